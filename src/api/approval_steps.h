// The steps on one approval request as the API and the CLI take them: a
// request of type "rights" or "use" belongs to the rights register, so its steps go
// to policy::RightsAdmin (which decides its approval in the same
// transaction); every other flow's go to the approval engine. Shared by
// routes_approvals.cc and `mamori approvals`, so both apply one rule.
#pragma once

#include <string_view>

#include "approval/approvals.h"
#include "core/status.h"
#include "policy/caller.h"
#include "policy/rights_admin.h"

namespace mamori::api {

enum class ApprovalVerb { kApprove, kReject, kCancel };

// The caller as the approval engine takes it.
approval::Caller ApprovalCaller(const policy::Caller& caller);

// Takes `verb` on approval `id`; the request as it stands afterwards.
// `text`: for a rights request the register's comment (approve) or reason
// (reject, cancel = withdraw), free text kept in the register; for other
// flows a rejection's reason code, and nothing else (kInvalidArgument
// naming `member` rather than dropping text a caller believes is kept).
// Refusals are audited where they are decided; `*audited` says whether
// the refusal returned was (the text refusal above is not: it changed
// nothing and the caller records it).
Result<approval::Request> TakeApprovalStep(approval::Approvals& approvals,
                                           policy::RightsAdmin& rights,
                                           const policy::Caller& caller, std::string_view id,
                                           ApprovalVerb verb, std::string_view text,
                                           const char* member, bool* audited);

// Who sees a request: its applicant, those who decided it, those who may
// decide it now, evidence readers (approval.ledger), and for a rights
// request the register's readers.
bool MayViewApproval(approval::Approvals& approvals, const approval::Caller& who,
                     const approval::Request& r);

}  // namespace mamori::api
