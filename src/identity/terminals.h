// The terminal registry: the devices people may use, identified by their
// client certificate ([003 II.5(2)]: identify the terminal each person may
// use; [000 資料1 §6(2)]: servers accept only designated terminals).
//
// A terminal records whether it stands inside the controlled area
// (要管理対策区域): outside it, logons need TOTP (identity_policy.h) and C3
// datasets are refused (policy). A fingerprint belongs to at most one terminal.
//
// Mutations follow Directory's contract: one transaction with the audit event
// ("identity.terminal_*"), refusals audited, no authorisation here (a
// terminal manager's task per §14).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "engine/context.h"
#include "identity/principal.h"
#include "identity/records.h"
#include "store/storage.h"

namespace mamori::identity {

struct NewTerminal {
  std::string id;
  std::string fingerprint;  // any form NormaliseFingerprint accepts
  std::string description;  // e.g. "総務課 窓口端末 3"
  bool controlled_area = false;
};

// Absent members stay as they are.
struct TerminalChanges {
  std::optional<std::string> fingerprint;  // certificate renewal
  std::optional<std::string> description;
  std::optional<bool> controlled_area;
};

class TerminalRegistry {
 public:
  explicit TerminalRegistry(store::Storage& store) : store_(store) {}

  Status Register(const engine::Context& ctx, const NewTerminal& terminal);
  Result<TerminalEntry> Get(std::string_view id);
  Result<std::vector<TerminalEntry>> List();
  Status Update(const engine::Context& ctx, std::string_view id, const TerminalChanges& changes);
  Status Disable(const engine::Context& ctx, std::string_view id);
  Status Enable(const engine::Context& ctx, std::string_view id);

  // The terminal a client certificate identifies. An unknown, malformed or
  // disabled one is not an error: it resolves to an unregistered terminal
  // (empty id, controlled_area false, the normalised fingerprint or empty),
  // which the rules treat as outside the controlled area. Not audited: the
  // logon or request it is part of is.
  Result<Terminal> ResolveTerminal(std::string_view fingerprint);

 private:
  using Mutation =
      std::function<Status(store::WriteTxn&, TerminalEntry&, audit::Event&, Status& refusal)>;
  Status Mutate(const engine::Context& ctx, std::string_view operation, std::string_view id,
                const Mutation& fn);

  store::Storage& store_;
};

}  // namespace mamori::identity
