#include "identity/service_accounts.h"

#include <algorithm>

#include "audit/event.h"
#include "identity/identity_audit.h"
#include "identity/ids.h"
#include "identity/keyspace.h"
#include "identity/records_store.h"
#include "identity/roles.h"

namespace mamori::identity {
namespace {

Status UnknownAccount() {
  return Status::NotFound("no service account has this id",
                          "この ID のサービスアカウントはありません", "service_account");
}

Status AccountBadFingerprint() {
  return Status::InvalidArgument(
      "cert_fingerprint must be the SHA-256 of the certificate: 64 hex digits",
      "cert_fingerprint には証明書の SHA-256（16進64桁）を指定してください", "cert_fingerprint");
}

Status AccountFingerprintTaken() {
  return Status::AlreadyExists("another service account holds this certificate",
                               "この証明書は別のサービスアカウントに登録されています",
                               "cert_fingerprint");
}

// A terminal's certificate is where people log on: an application holding
// it would act, without a password, from every request of that terminal
// that carries no token, and with the terminal's controlled-area standing.
// One certificate is one kind of principal.
Status AccountFingerprintIsATerminals() {
  return Status::AlreadyExists(
      "a registered terminal holds this certificate; an application needs its own",
      "この証明書は登録済みの端末のものです。アプリケーションには専用の証明書が必要です",
      "cert_fingerprint");
}

Status Unauthenticated(std::string_view subject) {
  return Status::Unauthenticated("the client certificate is not that of an active service account",
                                 "クライアント証明書が有効なサービスアカウントのものではありません",
                                 std::string(subject));
}

HolderView HolderOfAccount(const ServiceAccount& s) {
  // As for people (HolderOf): a disabled account holds nothing.
  return HolderView{s.id, PrincipalKind::kService, "",
                    s.active() ? s.roles : std::vector<std::string>{}};
}

}  // namespace

Status ServiceAccountRegistry::Mutate(const engine::Context& ctx, std::string_view operation,
                                      std::string_view id, const Mutation& fn) {
  const TimeMicros now = internal::Now(ctx);
  return internal::RunAudited(store_, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity." + std::string(operation), now);
    ev.attrs["target"] = IsValidId(id) ? std::string(id) : "(invalid)";
    if (!IsValidId(id)) return internal::Refuse(txn, ev, CheckId(id, "service_account"), refusal);
    MAMORI_ASSIGN_OR_RETURN(auto s, internal::LoadServiceAccount(txn, id));
    if (!s) return internal::Refuse(txn, ev, UnknownAccount(), refusal);
    const HolderView before = HolderOfAccount(*s);
    Status why;
    MAMORI_RETURN_IF_ERROR(fn(txn, *s, ev, why));
    if (why.ok() && guard_ && !IsLocalOperator(ctx)) {
      why = guard_->CheckDirectChange(txn, ctx, before, HolderOfAccount(*s));
    }
    if (!why.ok()) return internal::Refuse(txn, ev, why, refusal);
    s->updated_at = now;
    MAMORI_RETURN_IF_ERROR(internal::PutServiceAccount(txn, *s));
    return internal::AppendEvent(txn, ev);
  });
}

Status ServiceAccountRegistry::Create(const engine::Context& ctx, const NewServiceAccount& in) {
  const TimeMicros now = internal::Now(ctx);
  Status valid = CheckNewId(in.id, "service_account");
  if (valid.ok()) valid = CheckLabel(in.display_name, "display_name", 256);
  const auto fp = NormaliseFingerprint(in.cert_fingerprint);
  if (valid.ok() && !fp) valid = AccountBadFingerprint();
  for (const auto& r : in.roles) {
    if (valid.ok()) valid = CheckRole(r);
  }
  return internal::RunAudited(store_, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity.service_create", now);
    ev.attrs["target"] = IsValidId(in.id) ? in.id : "(invalid)";
    if (!valid.ok()) return internal::Refuse(txn, ev, valid, refusal);
    ev.attrs["fingerprint"] = *fp;
    MAMORI_ASSIGN_OR_RETURN(auto existing, internal::LoadServiceAccount(txn, in.id));
    if (existing) {
      return internal::Refuse(
          txn, ev,
          Status::AlreadyExists("a service account with this id exists",
                                "この ID のサービスアカウントは既に存在します", "service_account"),
          refusal);
    }
    // One namespace of principal ids (see Directory::CreateUser): an
    // application named like a person would act, in the log and in every
    // designation by person, as that person.
    MAMORI_ASSIGN_OR_RETURN(auto person, internal::LoadUser(txn, in.id));
    if (person) {
      return internal::Refuse(
          txn, ev,
          Status::AlreadyExists("a user with this id exists; principal ids are unique",
                                "この ID の利用者が既に存在します (ID は利用者とサービス"
                                "アカウントで共通です)",
                                "service_account"),
          refusal);
    }
    MAMORI_ASSIGN_OR_RETURN(auto holder, txn.Get(keyspace::ServiceFingerprint(*fp)));
    if (holder) return internal::Refuse(txn, ev, AccountFingerprintTaken(), refusal);
    MAMORI_ASSIGN_OR_RETURN(auto terminal, txn.Get(keyspace::TerminalFingerprint(*fp)));
    if (terminal) return internal::Refuse(txn, ev, AccountFingerprintIsATerminals(), refusal);
    ServiceAccount s;
    s.id = in.id;
    s.display_name = in.display_name;
    s.cert_fingerprint = *fp;
    for (const auto& r : in.roles) {
      if (std::find(s.roles.begin(), s.roles.end(), r) == s.roles.end()) s.roles.push_back(r);
    }
    if (guard_ && !IsLocalOperator(ctx)) {
      Status allowed = guard_->CheckDirectChange(txn, ctx, HolderView{}, HolderOfAccount(s));
      if (!allowed.ok()) return internal::Refuse(txn, ev, allowed, refusal);
    }
    s.created_at = s.updated_at = now;
    MAMORI_RETURN_IF_ERROR(internal::PutServiceAccount(txn, s));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::ServiceFingerprint(*fp), s.id));
    return internal::AppendEvent(txn, ev);
  });
}

Result<ServiceAccount> ServiceAccountRegistry::Get(std::string_view id) {
  MAMORI_RETURN_IF_ERROR(CheckId(id, "service_account"));
  std::optional<ServiceAccount> s;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(s, internal::LoadServiceAccount(txn, id));
    return Status::Ok();
  }));
  if (!s) return Fail(UnknownAccount());
  return std::move(*s);
}

Result<std::vector<ServiceAccount>> ServiceAccountRegistry::List() {
  std::vector<ServiceAccount> out;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix(keyspace::kServices);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(
          auto s,
          ServiceAccountFromJson(row.value, std::string_view(row.key).substr(prefix.size())));
      out.push_back(std::move(s));
    }
    return Status::Ok();
  }));
  return out;
}

Status ServiceAccountRegistry::SetCertificate(const engine::Context& ctx, std::string_view id,
                                              std::string_view fingerprint,
                                              std::string_view request) {
  const auto fp = NormaliseFingerprint(fingerprint);
  return Mutate(
      ctx, "service_certificate", id,
      [&](store::WriteTxn& txn, ServiceAccount& s, audit::Event& ev, Status& refusal) -> Status {
        if (!fp) {
          refusal = AccountBadFingerprint();
          return Status::Ok();
        }
        MAMORI_ASSIGN_OR_RETURN(auto holder, txn.Get(keyspace::ServiceFingerprint(*fp)));
        if (holder && *holder != s.id) {
          refusal = AccountFingerprintTaken();
          return Status::Ok();
        }
        MAMORI_ASSIGN_OR_RETURN(auto terminal, txn.Get(keyspace::TerminalFingerprint(*fp)));
        if (terminal) {
          refusal = AccountFingerprintIsATerminals();
          return Status::Ok();
        }
        // Whoever holds the new certificate acts as the application: for
        // one that holds rights that is a credential reset, with the second
        // person it needs (rights_guard.h).
        if (guard_ && !IsLocalOperator(ctx)) {
          refusal =
              guard_->CheckCredentialReset(txn, ctx, HolderOfAccount(s), "certificate", request);
          if (!refusal.ok()) return Status::Ok();
        }
        if (!request.empty()) ev.attrs["request"] = audit::EventIdentifier(request);
        ev.attrs["previous_fingerprint"] = s.cert_fingerprint;
        ev.attrs["fingerprint"] = *fp;
        MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::ServiceFingerprint(s.cert_fingerprint)));
        MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::ServiceFingerprint(*fp), s.id));
        s.cert_fingerprint = *fp;
        return Status::Ok();
      });
}

Status ServiceAccountRegistry::AddRole(const engine::Context& ctx, std::string_view id,
                                       std::string_view role) {
  const Status valid = CheckRole(role);
  return Mutate(
      ctx, "service_role_add", id,
      [&](store::WriteTxn&, ServiceAccount& s, audit::Event& ev, Status& refusal) -> Status {
        ev.attrs["role"] = valid.ok() ? std::string(role) : "(invalid)";
        if (!valid.ok()) {
          refusal = valid;
        } else if (std::find(s.roles.begin(), s.roles.end(), role) != s.roles.end()) {
          refusal = Status::FailedPrecondition(
              "the service account already holds this role",
              "このサービスアカウントは既にこのロールを持っています", "role");
        } else {
          s.roles.emplace_back(role);
        }
        return Status::Ok();
      });
}

Status ServiceAccountRegistry::RemoveRole(const engine::Context& ctx, std::string_view id,
                                          std::string_view role) {
  return Mutate(
      ctx, "service_role_remove", id,
      [&](store::WriteTxn&, ServiceAccount& s, audit::Event& ev, Status& refusal) -> Status {
        ev.attrs["role"] = IsValidRole(role) ? std::string(role) : "(invalid)";
        auto it = std::find(s.roles.begin(), s.roles.end(), role);
        if (it == s.roles.end()) {
          refusal = Status::FailedPrecondition("the service account does not hold this role",
                                               "このサービスアカウントはこのロールを持っていません",
                                               "role");
        } else {
          s.roles.erase(it);
        }
        return Status::Ok();
      });
}

Status ServiceAccountRegistry::Disable(const engine::Context& ctx, std::string_view id) {
  const TimeMicros now = internal::Now(ctx);
  return Mutate(ctx, "service_disable", id,
                [&](store::WriteTxn&, ServiceAccount& s, audit::Event&, Status& refusal) -> Status {
                  if (!s.active()) {
                    refusal = Status::FailedPrecondition(
                        "the service account is already disabled",
                        "このサービスアカウントは既に無効化されています", "service_account.state");
                    return Status::Ok();
                  }
                  s.state = AccountState::kDisabled;
                  s.disabled_at = now;
                  return Status::Ok();
                });
}

Status ServiceAccountRegistry::Enable(const engine::Context& ctx, std::string_view id) {
  return Mutate(ctx, "service_enable", id,
                [&](store::WriteTxn&, ServiceAccount& s, audit::Event&, Status& refusal) -> Status {
                  if (s.active()) {
                    refusal = Status::FailedPrecondition(
                        "the service account is not disabled",
                        "このサービスアカウントは無効化されていません", "service_account.state");
                    return Status::Ok();
                  }
                  s.state = AccountState::kActive;
                  s.disabled_at = 0;
                  return Status::Ok();
                });
}

Result<Principal> ServiceAccountRegistry::AuthenticateCertificate(std::string_view fingerprint,
                                                                  const engine::Context& ctx) {
  const auto fp = NormaliseFingerprint(fingerprint);
  std::optional<ServiceAccount> account;
  bool shared = false;
  if (fp) {
    MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto holder, txn.Get(keyspace::ServiceFingerprint(*fp)));
      if (!holder) return Status::Ok();
      MAMORI_ASSIGN_OR_RETURN(account, internal::LoadServiceAccount(txn, *holder));
      // Registered as both before the registries refused it: neither an
      // application's nor a people's terminal may act on such a certificate
      // as the application until one entry is given another.
      MAMORI_ASSIGN_OR_RETURN(auto terminal, txn.Get(keyspace::TerminalFingerprint(*fp)));
      shared = terminal.has_value();
      return Status::Ok();
    }));
  }
  if (account && account->active() && account->cert_fingerprint == *fp && !shared) {
    Principal p;
    p.kind = PrincipalKind::kService;
    p.id = account->id;
    p.display_name = account->display_name;
    p.roles = account->roles;
    p.terminal.fingerprint = *fp;
    return p;
  }
  const Status why = Unauthenticated(!account ? "certificate.unknown"
                                     : shared ? "certificate.shared"
                                              : "certificate.disabled");
  const TimeMicros now = internal::Now(ctx);
  return Fail(internal::RunAudited(store_, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity.cert_auth", now);
    if (account) ev.actor = account->id;
    ev.attrs["fingerprint"] = fp ? *fp : "(malformed)";
    ev.reason = !account ? "unknown" : shared ? "shared" : "disabled";
    return internal::Refuse(txn, ev, why, refusal);
  }));
}

}  // namespace mamori::identity
