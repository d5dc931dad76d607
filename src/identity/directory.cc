#include "identity/directory.h"

#include <algorithm>

#include "core/encoding.h"
#include "crypto/random.h"
#include "identity/directory_util.h"
#include "identity/identity_audit.h"
#include "identity/ids.h"
#include "identity/keyspace.h"
#include "identity/password_reuse.h"
#include "identity/records_store.h"
#include "identity/roles.h"

namespace mamori::identity {
namespace {

constexpr size_t kMaxNameBytes = 256;

Status UnknownUser() {
  return Status::NotFound("no user has this id", "この ID の利用者はいません", "user");
}

Status CheckBirthDate(std::string_view text) {
  if (text.empty() || ParseDate(text)) return Status::Ok();
  return Status::InvalidArgument("birth_date must be a valid date written YYYY-MM-DD",
                                 "birth_date は YYYY-MM-DD 形式の正しい日付で指定してください",
                                 "birth_date");
}

// A day of hire and its kind come together, or neither does.
Status CheckHire(std::string_view hired, std::string_view kind) {
  if (hired.empty() && kind.empty()) return Status::Ok();
  if (!ParseDate(hired)) {
    return Status::InvalidArgument("hired must be a valid date written YYYY-MM-DD",
                                   "hired は YYYY-MM-DD 形式の正しい日付で指定してください",
                                   "hired");
  }
  if (std::find(std::begin(kHireKinds), std::end(kHireKinds), kind) == std::end(kHireKinds)) {
    return Status::InvalidArgument("hire_kind must be new_graduate or mid_career",
                                   "hire_kind は new_graduate または mid_career です", "hire_kind");
  }
  return Status::Ok();
}

Status CheckPhone(std::string_view text) {
  if (text.empty()) return Status::Ok();
  size_t digits = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != ' ' && c != '+' && c != '-' && c != '(' && c != ')') {
      digits = 0;
      break;
    }
  }
  if (digits >= 4 && digits <= 20 && text.size() <= 32) return Status::Ok();
  return Status::InvalidArgument(
      "phone must be 4 to 20 digits, optionally with spaces, +, -, ( and )",
      "phone は4〜20桁の数字で指定してください（空白・+・-・括弧は可）", "phone");
}

Status CheckNewUser(const NewUser& nu) {
  MAMORI_RETURN_IF_ERROR(CheckNewId(nu.id, "user"));
  MAMORI_RETURN_IF_ERROR(CheckLabel(nu.display_name, "display_name", kMaxNameBytes));
  MAMORI_RETURN_IF_ERROR(CheckLabel(nu.department, "department", kMaxNameBytes, true));
  if (!nu.manager.empty()) {
    MAMORI_RETURN_IF_ERROR(CheckId(nu.manager, "manager"));
    if (nu.manager == nu.id) {
      return Status::InvalidArgument("a user cannot be their own manager",
                                     "自分自身を上長にすることはできません", "manager");
    }
  }
  for (const auto& p : nu.positions) {
    MAMORI_RETURN_IF_ERROR(CheckLabel(p, "position", internal::kMaxPositionBytes));
  }
  for (const auto& r : nu.roles) MAMORI_RETURN_IF_ERROR(CheckRole(r));
  MAMORI_RETURN_IF_ERROR(CheckBirthDate(nu.birth_date));
  MAMORI_RETURN_IF_ERROR(CheckHire(nu.hired, nu.hire_kind));
  return CheckPhone(nu.phone);
}

std::vector<std::string> Dedup(std::vector<std::string> v) {
  std::vector<std::string> out;
  for (auto& s : v) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  return out;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

}  // namespace

std::string_view ReviewReasonName(ReviewReason r) {
  switch (r) {
    case ReviewReason::kLeave:
      return "leave";
    case ReviewReason::kTransfer:
      return "transfer";
    case ReviewReason::kLongAbsence:
      return "long_absence";
    case ReviewReason::kNoLongerNeeded:
      return "no_longer_needed";
    case ReviewReason::kDepartmentChange:
      return "department_change";
    case ReviewReason::kPositionChange:
      return "position_change";
  }
  return "leave";
}

Directory::Directory(store::Storage& store, Sealer sealer, IdentityOptions options,
                     const WordList* words, std::unique_ptr<WordList> owned_words)
    : store_(store),
      sealer_(std::move(sealer)),
      options_(std::move(options)),
      owned_words_(std::move(owned_words)),
      words_(words),
      hash_budget_(std::make_unique<HashBudget>(options_.hash_budget)) {}

Result<std::unique_ptr<Directory>> Directory::Open(store::Storage& store,
                                                   const crypto::SecretBytes& key,
                                                   IdentityOptions options) {
  MAMORI_ASSIGN_OR_RETURN(auto sealer, Sealer::Create(key));
  std::unique_ptr<WordList> owned;
  const WordList* words = &WordList::Embedded();
  if (!options.word_list_path.empty()) {
    MAMORI_ASSIGN_OR_RETURN(auto loaded, WordList::LoadFile(options.word_list_path));
    owned = std::make_unique<WordList>(std::move(loaded));
    words = owned.get();
  }
  std::unique_ptr<Directory> dir(
      new Directory(store, std::move(sealer), std::move(options), words, std::move(owned)));
  MAMORI_ASSIGN_OR_RETURN(auto random, crypto::RandomBytes(24));
  MAMORI_ASSIGN_OR_RETURN(dir->dummy_hash_, dir->HashPassword(HexEncode(random)));
  return dir;
}

Result<std::string> Directory::HashPassword(std::string_view password) const {
  MAMORI_ASSIGN_OR_RETURN(auto lease, hash_budget_->Acquire(options_.argon2.memory_kib));
  return crypto::Argon2idHashPassword(password, options_.argon2);
}

Result<bool> Directory::VerifyPassword(std::string_view password, std::string_view encoded,
                                       HashBudget::Lease* lease) const {
  MAMORI_ASSIGN_OR_RETURN(const uint32_t kib, crypto::Argon2idMemoryKib(encoded));
  HashBudget::Lease own;
  if (lease != nullptr) {
    MAMORI_RETURN_IF_ERROR(lease->GrowTo(kib));
  } else {
    MAMORI_ASSIGN_OR_RETURN(own, hash_budget_->Acquire(kib));
  }
  return crypto::Argon2idVerifyPassword(password, encoded);
}

Result<PasswordSubject> Directory::OpenSubject(const User& u, std::string& phone_storage) const {
  PasswordSubject subject;
  subject.user_id = u.id;
  subject.display_name = u.display_name;
  if (!u.birth_date_sealed.empty()) {
    MAMORI_ASSIGN_OR_RETURN(std::string date,
                            sealer_.Open(u.id, "birth_date", u.birth_date_sealed));
    subject.birth_date = ParseDate(date);
    crypto::WipeString(date);
  }
  if (!u.phone_sealed.empty()) {
    MAMORI_ASSIGN_OR_RETURN(phone_storage, sealer_.Open(u.id, "phone", u.phone_sealed));
    subject.phone = phone_storage;
  }
  return subject;
}

Status Directory::CheckNewPassword(const User& u, const IdentityPolicy& policy,
                                   std::string_view password,
                                   std::string_view current_plain) const {
  std::string phone;
  auto subject = OpenSubject(u, phone);
  if (!subject) return subject.error();
  Status rules = CheckPasswordRules(password, *subject, policy, *words_);
  crypto::WipeString(phone);
  MAMORI_RETURN_IF_ERROR(rules);
  return CheckPasswordReuse(password, current_plain, u.password_history, policy.history,
                            [this](std::string_view candidate, std::string_view encoded) {
                              return VerifyPassword(candidate, encoded);
                            });
}

Status Directory::MutateUser(const engine::Context& ctx, std::string_view operation,
                             std::string_view id, const UserMutation& fn) {
  const TimeMicros now = internal::Now(ctx);
  return internal::RunAudited(store_, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity." + std::string(operation), now);
    ev.attrs["target"] = IsValidId(id) ? std::string(id) : "(invalid)";
    if (!IsValidId(id)) return internal::Refuse(txn, ev, CheckId(id, "user"), refusal);
    MAMORI_ASSIGN_OR_RETURN(auto u, internal::LoadUser(txn, id));
    if (!u) return internal::Refuse(txn, ev, UnknownUser(), refusal);
    const HolderView before = HolderOf(*u);
    Status why;
    MAMORI_RETURN_IF_ERROR(fn(txn, *u, ev, why));
    // A change that would let the person do more is the rights register's
    // to make, whoever asks here (rights_guard.h).
    if (why.ok() && guard_ && !IsLocalOperator(ctx)) {
      why = guard_->CheckDirectChange(txn, ctx, before, HolderOf(*u));
    }
    if (!why.ok()) return internal::Refuse(txn, ev, why, refusal);
    u->updated_at = now;
    MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, *u));
    return internal::AppendEvent(txn, ev);
  });
}

Status Directory::CreateUser(const engine::Context& ctx, const NewUser& nu,
                             std::string_view initial_password) {
  const TimeMicros now = internal::Now(ctx);
  MAMORI_ASSIGN_OR_RETURN(const IdentityPolicy policy, GetPolicy(store_));
  Status valid = CheckNewUser(nu);
  User u;
  if (valid.ok()) {
    PasswordSubject subject{nu.id, nu.display_name, {}, ParseDate(nu.birth_date), nu.phone};
    valid = CheckPasswordRules(initial_password, subject, policy, *words_);
  }
  if (valid.ok()) {
    u.id = nu.id;
    u.display_name = nu.display_name;
    u.department = nu.department;
    u.manager = nu.manager;
    u.positions = Dedup(nu.positions);
    u.roles = Dedup(nu.roles);
    u.must_change_password = nu.must_change_password;
    u.hired = nu.hired;
    u.hire_kind = nu.hire_kind;
    MAMORI_ASSIGN_OR_RETURN(auto hash, HashPassword(initial_password));
    u.password_history.push_back(std::move(hash));
    u.password_changed_at = now;
    if (!nu.birth_date.empty()) {
      MAMORI_ASSIGN_OR_RETURN(u.birth_date_sealed, sealer_.Seal(u.id, "birth_date", nu.birth_date));
    }
    if (!nu.phone.empty()) {
      MAMORI_ASSIGN_OR_RETURN(u.phone_sealed, sealer_.Seal(u.id, "phone", nu.phone));
    }
    u.created_at = u.updated_at = now;
  }
  return internal::RunAudited(store_, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity.user_create", now);
    ev.attrs["target"] = IsValidId(nu.id) ? nu.id : "(invalid)";
    if (!valid.ok()) return internal::Refuse(txn, ev, valid, refusal);
    ev.attrs["roles"] = Joined(u.roles);
    MAMORI_ASSIGN_OR_RETURN(auto existing, internal::LoadUser(txn, u.id));
    if (existing) {
      return internal::Refuse(txn, ev,
                              Status::AlreadyExists("a user with this id exists",
                                                    "この ID の利用者は既に存在します", "user"),
                              refusal);
    }
    // People and applications share one namespace of principal ids: the
    // audit log's actor, designations by person, review exclusions and
    // suspensions all name a principal by id alone.
    MAMORI_ASSIGN_OR_RETURN(auto account, internal::LoadServiceAccount(txn, u.id));
    if (account) {
      return internal::Refuse(
          txn, ev,
          Status::AlreadyExists("a service account with this id exists; principal ids are unique",
                                "この ID のサービスアカウントが既に存在します (ID は利用者と"
                                "サービスアカウントで共通です)",
                                "user"),
          refusal);
    }
    if (!u.manager.empty()) {
      MAMORI_ASSIGN_OR_RETURN(auto manager, internal::LoadUser(txn, u.manager));
      if (!manager) {
        return internal::Refuse(txn, ev,
                                Status::NotFound("the manager is not a registered user",
                                                 "上長が利用者として登録されていません", "manager"),
                                refusal);
      }
    }
    // A new person holding a role that carries rights is a grant of rights.
    if (guard_ && !IsLocalOperator(ctx)) {
      Status allowed = guard_->CheckDirectChange(txn, ctx, HolderView{}, HolderOf(u));
      if (!allowed.ok()) return internal::Refuse(txn, ev, allowed, refusal);
    }
    MAMORI_RETURN_IF_ERROR(internal::PutUser(txn, u));
    return internal::AppendEvent(txn, ev);
  });
}

HolderView HolderOf(const User& u) {
  // A disabled ID can do nothing: enabling one that holds rights gives them
  // back, and is refused like any other direct widening (rights_guard.h).
  return HolderView{u.id, PrincipalKind::kUser, u.department,
                    u.active() ? u.roles : std::vector<std::string>{}};
}

Result<User> Directory::GetUser(std::string_view id) {
  MAMORI_RETURN_IF_ERROR(CheckId(id, "user"));
  std::optional<User> u;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(u, internal::LoadUser(txn, id));
    return Status::Ok();
  }));
  if (!u) return Fail(UnknownUser());
  return std::move(*u);
}

Result<std::vector<User>> Directory::ListUsers() {
  std::vector<User> out;
  MAMORI_RETURN_IF_ERROR(store_.View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix(keyspace::kUsers);
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(
          auto u, UserFromJson(row.value, std::string_view(row.key).substr(prefix.size())));
      out.push_back(std::move(u));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<ReviewTrigger>> Directory::UpdateUser(const engine::Context& ctx,
                                                           std::string_view id,
                                                           const UserChanges& ch) {
  const TimeMicros now = internal::Now(ctx);
  Status valid;
  auto check = [&](Status s) {
    if (valid.ok() && !s.ok()) valid = std::move(s);
  };
  if (ch.display_name) check(CheckLabel(*ch.display_name, "display_name", kMaxNameBytes));
  if (ch.department) check(CheckLabel(*ch.department, "department", kMaxNameBytes, true));
  if (ch.manager && !ch.manager->empty()) check(CheckId(*ch.manager, "manager"));
  if (ch.birth_date) check(CheckBirthDate(*ch.birth_date));
  if (ch.phone) check(CheckPhone(*ch.phone));
  std::string birth_sealed, phone_sealed;
  if (valid.ok() && IsValidId(id)) {
    if (ch.birth_date && !ch.birth_date->empty()) {
      MAMORI_ASSIGN_OR_RETURN(birth_sealed, sealer_.Seal(id, "birth_date", *ch.birth_date));
    }
    if (ch.phone && !ch.phone->empty()) {
      MAMORI_ASSIGN_OR_RETURN(phone_sealed, sealer_.Seal(id, "phone", *ch.phone));
    }
  }
  std::optional<ReviewTrigger> trigger;
  MAMORI_RETURN_IF_ERROR(MutateUser(
      ctx, "user_update", id,
      [&](store::WriteTxn& txn, User& u, audit::Event& ev, Status& refusal) -> Status {
        if (!valid.ok()) {
          refusal = valid;
          return Status::Ok();
        }
        std::vector<std::string> changed;
        if (ch.display_name) {
          u.display_name = *ch.display_name;
          changed.push_back("display_name");
        }
        if (ch.department && *ch.department != u.department) {
          u.department = *ch.department;
          changed.push_back("department");
          trigger = internal::MakeTrigger(u, ReviewReason::kDepartmentChange, ctx, now);
        }
        if (ch.manager) {
          if (*ch.manager == u.id) {
            refusal = Status::InvalidArgument("a user cannot be their own manager",
                                              "自分自身を上長にすることはできません", "manager");
            return Status::Ok();
          }
          if (!ch.manager->empty()) {
            MAMORI_ASSIGN_OR_RETURN(auto m, internal::LoadUser(txn, *ch.manager));
            if (!m) {
              refusal = Status::NotFound("the manager is not a registered user",
                                         "上長が利用者として登録されていません", "manager");
              return Status::Ok();
            }
          }
          u.manager = *ch.manager;
          changed.push_back("manager");
        }
        if (ch.birth_date) {
          u.birth_date_sealed = birth_sealed;
          changed.push_back("birth_date");
        }
        if (ch.phone) {
          u.phone_sealed = phone_sealed;
          changed.push_back("phone");
        }
        ev.attrs["changed"] = Joined(changed);
        if (trigger) {
          trigger->department = u.department;
          ev.attrs["review"] = std::string(ReviewReasonName(trigger->reason));
        }
        return Status::Ok();
      }));
  return trigger;
}

Result<ReviewTrigger> Directory::DisableUser(const engine::Context& ctx, std::string_view id,
                                             DisableReason reason) {
  const TimeMicros now = internal::Now(ctx);
  ReviewTrigger trigger;
  MAMORI_RETURN_IF_ERROR(MutateUser(
      ctx, "user_disable", id,
      [&](store::WriteTxn& txn, User& u, audit::Event& ev, Status& refusal) -> Status {
        if (!u.active()) {
          refusal = Status::FailedPrecondition("the user is already disabled",
                                               "この利用者は既に無効化されています", "user.state");
          return Status::Ok();
        }
        u.state = AccountState::kDisabled;
        u.disabled_at = now;
        u.disabled_reason = std::string(DisableReasonName(reason));
        MAMORI_ASSIGN_OR_RETURN(
            size_t ended,
            internal::EndUserSessions(txn, u.id, now, SessionState::kRevoked, "disabled"));
        ev.attrs["reason"] = u.disabled_reason;
        ev.attrs["sessions_ended"] = std::to_string(ended);
        static constexpr ReviewReason kMap[] = {ReviewReason::kLeave, ReviewReason::kTransfer,
                                                ReviewReason::kLongAbsence,
                                                ReviewReason::kNoLongerNeeded};
        trigger = internal::MakeTrigger(u, kMap[static_cast<int>(reason)], ctx, now);
        ev.attrs["review"] = std::string(ReviewReasonName(trigger.reason));
        return Status::Ok();
      }));
  return trigger;
}

Status Directory::EnableUser(const engine::Context& ctx, std::string_view id) {
  return MutateUser(ctx, "user_enable", id,
                    [&](store::WriteTxn&, User& u, audit::Event&, Status& refusal) -> Status {
                      if (u.active()) {
                        refusal = Status::FailedPrecondition("the user is not disabled",
                                                             "この利用者は無効化されていません",
                                                             "user.state");
                        return Status::Ok();
                      }
                      u.state = AccountState::kActive;
                      u.disabled_at = 0;
                      u.disabled_reason.clear();
                      return Status::Ok();
                    });
}

}  // namespace mamori::identity
