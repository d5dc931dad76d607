// identity: who is asking (DESIGN.md layout; REQUIREMENTS.md §3). The folder
// owns
//   principal.h         the resolved identity of a request (shared contract);
//   roles.h, ids.h      the role catalogue, id and fingerprint syntax;
//   records.h           users, service accounts, terminals, sessions as stored;
//   identity_policy.h   password, lockout, session and TOTP parameters (data);
//   password_rules.h, password_reuse.h, word_list.h   the password policy;
//   attempts.h          lockout under parallel attempts;
//   hash_budget.h       the memory budget every Argon2 check takes from;
//   totp.h, token.h, sealer.h   TOTP, session tokens, sealing of personal values;
//   directory.h         users, positions, roles and administrators' operations;
//   service_accounts.h, terminals.h   applications and terminals by certificate;
//   certificate_standing.h   whether a certificate is a designated device's;
//   authenticator.h     logon, sessions, self-service;
//   identity.h          this header: all of it over one data store.
// identity keeps its data in the engine's data store under "id/"
// (keyspace.h) and writes its audit events into the same log, each in the
// transaction of its effect.
#pragma once

#include <memory>

#include "core/status.h"
#include "crypto/secret.h"
#include "identity/authenticator.h"
#include "identity/directory.h"
#include "identity/identity_policy.h"
#include "identity/service_accounts.h"
#include "identity/terminals.h"
#include "store/storage.h"

namespace mamori::identity {

class Identity {
 public:
  // `store` must outlive the result (Engine::data_store()). `key` (32 bytes)
  // seals birth dates, phone numbers and TOTP secrets; the caller keeps it
  // with its other keys, out of the data store.
  static Result<std::unique_ptr<Identity>> Open(store::Storage& store,
                                                const crypto::SecretBytes& key,
                                                IdentityOptions options = {});

  Directory& directory() { return *directory_; }
  Authenticator& authenticator() { return authenticator_; }
  ServiceAccountRegistry& service_accounts() { return service_accounts_; }
  TerminalRegistry& terminals() { return terminals_; }
  Result<IdentityPolicy> GetPolicy() { return identity::GetPolicy(directory_->storage()); }
  Status SetPolicy(const engine::Context& ctx, const IdentityPolicy& p) {
    return identity::SetPolicy(directory_->storage(), ctx, p);
  }
  // The guard asked before any change of who holds what (rights_guard.h),
  // for people and service accounts alike.
  void SetRightsGuard(RightsGuard* guard) {
    directory_->SetRightsGuard(guard);
    service_accounts_.SetRightsGuard(guard);
  }

 private:
  explicit Identity(std::unique_ptr<Directory> directory);

  std::unique_ptr<Directory> directory_;
  Authenticator authenticator_;
  ServiceAccountRegistry service_accounts_;
  TerminalRegistry terminals_;
};

}  // namespace mamori::identity
