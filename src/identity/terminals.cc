#include "identity/terminals.h"

#include "identity/identity_audit.h"
#include "identity/ids.h"
#include "identity/keyspace.h"
#include "identity/records_store.h"

namespace mamori::identity {
namespace {

constexpr size_t kMaxDescriptionBytes = 256;

Status UnknownTerminal() {
  return Status::NotFound("no terminal has this id", "この ID の端末はありません", "terminal");
}

Status TerminalBadFingerprint() {
  return Status::InvalidArgument(
      "fingerprint must be the SHA-256 of the terminal's certificate: 64 hex digits",
      "fingerprint には端末証明書の SHA-256（16進64桁）を指定してください", "fingerprint");
}

Status TerminalFingerprintTaken() {
  return Status::AlreadyExists("another terminal holds this certificate",
                               "この証明書は別の端末に登録されています", "fingerprint");
}

// The certificate of an application (a service account) authenticates by
// itself, without a password: a terminal registered on it would give every
// person's logon there, and the application, one identity.
Status TerminalFingerprintIsAnApplications() {
  return Status::AlreadyExists(
      "a service account holds this certificate; a terminal needs its own",
      "この証明書はサービスアカウントのものです。端末には専用の証明書が必要です", "fingerprint");
}

}  // namespace

Status TerminalRegistry::Mutate(const engine::Context& ctx, std::string_view operation,
                                std::string_view id, const Mutation& fn) {
  const TimeMicros now = internal::Now(ctx);
  return internal::RunAudited(store_, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity." + std::string(operation), now);
    ev.attrs["target"] = IsValidId(id) ? std::string(id) : "(invalid)";
    if (!IsValidId(id)) return internal::Refuse(txn, ev, CheckId(id, "terminal"), refusal);
    MAMORI_ASSIGN_OR_RETURN(auto t, internal::LoadTerminal(txn, id));
    if (!t) return internal::Refuse(txn, ev, UnknownTerminal(), refusal);
    Status why;
    MAMORI_RETURN_IF_ERROR(fn(txn, *t, ev, why));
    if (!why.ok()) return internal::Refuse(txn, ev, why, refusal);
    t->updated_at = now;
    MAMORI_RETURN_IF_ERROR(internal::PutTerminal(txn, *t));
    return internal::AppendEvent(txn, ev);
  });
}

Status TerminalRegistry::Register(const engine::Context& ctx, const NewTerminal& in) {
  const TimeMicros now = internal::Now(ctx);
  Status valid = CheckId(in.id, "terminal");
  if (valid.ok()) valid = CheckLabel(in.description, "description", kMaxDescriptionBytes, true);
  const auto fp = NormaliseFingerprint(in.fingerprint);
  if (valid.ok() && !fp) valid = TerminalBadFingerprint();
  return internal::RunAudited(store_, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity.terminal_register", now);
    ev.attrs["target"] = IsValidId(in.id) ? in.id : "(invalid)";
    if (!valid.ok()) return internal::Refuse(txn, ev, valid, refusal);
    ev.attrs["fingerprint"] = *fp;
    ev.attrs["controlled_area"] = in.controlled_area ? "true" : "false";
    MAMORI_ASSIGN_OR_RETURN(auto existing, internal::LoadTerminal(txn, in.id));
    if (existing) {
      return internal::Refuse(
          txn, ev,
          Status::AlreadyExists("a terminal with this id exists",
                                "この ID の端末は既に登録されています", "terminal"),
          refusal);
    }
    MAMORI_ASSIGN_OR_RETURN(auto holder, txn.Get(keyspace::TerminalFingerprint(*fp)));
    if (holder) return internal::Refuse(txn, ev, TerminalFingerprintTaken(), refusal);
    MAMORI_ASSIGN_OR_RETURN(auto service, txn.Get(keyspace::ServiceFingerprint(*fp)));
    if (service) return internal::Refuse(txn, ev, TerminalFingerprintIsAnApplications(), refusal);
    TerminalEntry t;
    t.id = in.id;
    t.fingerprint = *fp;
    t.description = in.description;
    t.controlled_area = in.controlled_area;
    t.created_at = t.updated_at = now;
    MAMORI_RETURN_IF_ERROR(internal::PutTerminal(txn, t));
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::TerminalFingerprint(*fp), t.id));
    return internal::AppendEvent(txn, ev);
  });
}

Result<TerminalEntry> TerminalRegistry::Get(std::string_view id) {
  MAMORI_RETURN_IF_ERROR(CheckId(id, "terminal"));
  std::optional<TerminalEntry> t;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(t, internal::LoadTerminal(txn, id));
    return Status::Ok();
  }));
  if (!t) return Fail(UnknownTerminal());
  return std::move(*t);
}

Result<std::vector<TerminalEntry>> TerminalRegistry::List() {
  std::vector<TerminalEntry> out;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix(keyspace::kTerminals);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(
          auto t, TerminalFromJson(row.value, std::string_view(row.key).substr(prefix.size())));
      out.push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return out;
}

Status TerminalRegistry::Update(const engine::Context& ctx, std::string_view id,
                                const TerminalChanges& ch) {
  std::optional<std::string> fp;
  Status valid;
  if (ch.fingerprint) {
    fp = NormaliseFingerprint(*ch.fingerprint);
    if (!fp) valid = TerminalBadFingerprint();
  }
  if (valid.ok() && ch.description) {
    valid = CheckLabel(*ch.description, "description", kMaxDescriptionBytes, true);
  }
  return Mutate(
      ctx, "terminal_update", id,
      [&](store::WriteTxn& txn, TerminalEntry& t, audit::Event& ev, Status& refusal) -> Status {
        if (!valid.ok()) {
          refusal = valid;
          return Status::Ok();
        }
        if (fp && *fp != t.fingerprint) {
          MAMORI_ASSIGN_OR_RETURN(auto holder, txn.Get(keyspace::TerminalFingerprint(*fp)));
          if (holder) {
            refusal = TerminalFingerprintTaken();
            return Status::Ok();
          }
          MAMORI_ASSIGN_OR_RETURN(auto service, txn.Get(keyspace::ServiceFingerprint(*fp)));
          if (service) {
            refusal = TerminalFingerprintIsAnApplications();
            return Status::Ok();
          }
          MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::TerminalFingerprint(t.fingerprint)));
          MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::TerminalFingerprint(*fp), t.id));
          ev.attrs["previous_fingerprint"] = t.fingerprint;
          ev.attrs["fingerprint"] = *fp;
          t.fingerprint = *fp;
        }
        if (ch.description) t.description = *ch.description;
        if (ch.controlled_area) {
          t.controlled_area = *ch.controlled_area;
          ev.attrs["controlled_area"] = t.controlled_area ? "true" : "false";
        }
        return Status::Ok();
      });
}

Status TerminalRegistry::Disable(const engine::Context& ctx, std::string_view id) {
  return Mutate(ctx, "terminal_disable", id,
                [&](store::WriteTxn&, TerminalEntry& t, audit::Event&, Status& refusal) -> Status {
                  if (!t.active()) {
                    refusal = Status::FailedPrecondition("the terminal is already disabled",
                                                         "この端末は既に無効化されています",
                                                         "terminal.state");
                  } else {
                    t.state = AccountState::kDisabled;
                  }
                  return Status::Ok();
                });
}

Status TerminalRegistry::Enable(const engine::Context& ctx, std::string_view id) {
  return Mutate(ctx, "terminal_enable", id,
                [&](store::WriteTxn&, TerminalEntry& t, audit::Event&, Status& refusal) -> Status {
                  if (t.active()) {
                    refusal = Status::FailedPrecondition("the terminal is not disabled",
                                                         "この端末は無効化されていません",
                                                         "terminal.state");
                  } else {
                    t.state = AccountState::kActive;
                  }
                  return Status::Ok();
                });
}

Result<Terminal> TerminalRegistry::ResolveTerminal(std::string_view fingerprint) {
  if (!NormaliseFingerprint(fingerprint)) return Terminal{};
  Terminal out;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, internal::ResolveTerminal(txn, fingerprint));
    return Status::Ok();
  }));
  return out;
}

}  // namespace mamori::identity
