// Internal: what a configured change request does to the stored rules, and
// the request-time checks against stored state. Both run inside the flow's
// transaction (rights_admin.cc); review.cc uses them for revocations.
#pragma once

#include "audit/event.h"
#include "core/status.h"
#include "policy/change.h"
#include "store/storage.h"

namespace mamori::policy {

Result<std::optional<Grant>> ReadGrant(store::ReadTxn& txn, std::string_view id);
Result<std::optional<ChangeRequest>> ReadRequest(store::ReadTxn& txn, std::string_view id);
Status WriteGrant(store::WriteTxn& txn, const Grant& grant);
Status WriteRequest(store::WriteTxn& txn, const ChangeRequest& req);

// Fills in what a new request takes from stored state (previous right,
// grant version) and refuses one that cannot be configured as it stands.
Status PrepareRequest(store::ReadTxn& txn, ChangeRequest& req);

// Applies a request being configured at `now`: writes grants, exclusions,
// mask rules or terminals, sets req.grant_id for a new grant, and bumps the
// decision version. Does not write the request itself.
Status ApplyChange(store::WriteTxn& txn, ChangeRequest& req, TimeMicros now);

// Adds the request's non-personal description to an audit event: kind,
// request and grant ids, person id, and the right's members.
void DescribeChange(const ChangeRequest& req, audit::Event& ev);

}  // namespace mamori::policy
