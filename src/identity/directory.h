// The directory of people: users with their department, manager, positions
// (役職) and roles, personal values the password rules need (sealed), and the
// administrator's operations on them (unlock, password reset, TOTP reset).
//
// Contract of every mutating call:
// - One Storage::Update writes the change and its audit event ("identity.*",
//   actor = ctx.actor, attrs["target"] = the user id). A refusal (bad input,
//   unknown user, a password rule) changes nothing and is audited as refused,
//   its reason the error's subject. Events never hold a password, birth date
//   or phone number.
// - No authorisation: the caller (the server through policy, or the CLI for
//   the local operator) has decided that ctx.actor may do this. The one rule
//   enforced here, because it holds whoever asks: nobody changes their own
//   roles, unlocks themselves or resets their own credentials through the
//   administrator's path (kPermissionDenied, "identity.self_change").
// - Leaving, moving department or changing position returns a ReviewTrigger
//   that the caller hands to policy, which starts a review of that person's
//   rights ([003 II.5(4) C; 002 第131条]).
//
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/event.h"
#include "core/status.h"
#include "crypto/kdf.h"
#include "crypto/secret.h"
#include "engine/context.h"
#include "identity/hash_budget.h"
#include "identity/identity_policy.h"
#include "identity/password_rules.h"
#include "identity/records.h"
#include "identity/rights_guard.h"
#include "identity/sealer.h"
#include "identity/word_list.h"
#include "store/storage.h"

namespace mamori::identity {

struct IdentityOptions {
  crypto::Argon2Params argon2;  // cost of new password hashes (existing ones keep theirs)
  // How much Argon2 memory may be in use at once, and how long a check
  // waits for it (hash_budget.h); server configuration, like argon2.
  HashBudgetOptions hash_budget;
  std::string word_list_path;          // empty: the list embedded from data/common-words.txt
  std::string totp_issuer = "mamori";  // shown by authenticator apps
};

struct NewUser {
  std::string id;
  std::string display_name;
  std::string department;
  std::string manager;  // an existing user id, or empty
  std::vector<std::string> positions;
  std::vector<std::string> roles;
  std::string birth_date;            // "YYYY-MM-DD", or empty
  std::string phone;                 // digits, spaces, + - ( ); or empty
  std::string hired;                 // "YYYY-MM-DD", or empty (User::hired)
  std::string hire_kind;             // one of kHireKinds when hired is given
  bool must_change_password = true;  // an initial password is the administrator's, not the user's
};

// Absent members are left as they are; an empty string clears manager,
// birth_date and phone.
struct UserChanges {
  std::optional<std::string> display_name;
  std::optional<std::string> department;
  std::optional<std::string> manager;
  std::optional<std::string> birth_date;
  std::optional<std::string> phone;
};

enum class ReviewReason {
  kLeave,
  kTransfer,
  kLongAbsence,
  kNoLongerNeeded,
  kDepartmentChange,
  kPositionChange
};
std::string_view ReviewReasonName(ReviewReason r);

// "Start a review of this person's rights": what policy needs to open one.
struct ReviewTrigger {
  std::string user_id;
  ReviewReason reason = ReviewReason::kLeave;
  std::string actor;
  TimeMicros time = 0;
  std::string department;              // after the change
  std::vector<std::string> positions;  // after the change
  std::vector<std::string> roles;
};

class Directory {
 public:
  // kInvalidArgument unless key is 32 bytes; errors of the word list file.
  static Result<std::unique_ptr<Directory>> Open(store::Storage& store,
                                                 const crypto::SecretBytes& key,
                                                 IdentityOptions options = {});

  // The initial password must meet the policy's rules (password_rules.h).
  Status CreateUser(const engine::Context& ctx, const NewUser& user,
                    std::string_view initial_password);
  // kNotFound for an unknown id.
  Result<User> GetUser(std::string_view id);
  Result<std::vector<User>> ListUsers();
  // A trigger when the department changed.
  Result<std::optional<ReviewTrigger>> UpdateUser(const engine::Context& ctx, std::string_view id,
                                                  const UserChanges& changes);
  // Leave (退職) and the like: the ID can no longer log on and its sessions end.
  // Disabling a disabled user is kFailedPrecondition.
  Result<ReviewTrigger> DisableUser(const engine::Context& ctx, std::string_view id,
                                    DisableReason reason);
  Status EnableUser(const engine::Context& ctx, std::string_view id);
  Result<ReviewTrigger> AddPosition(const engine::Context& ctx, std::string_view id,
                                    std::string_view position);
  Result<ReviewTrigger> RemovePosition(const engine::Context& ctx, std::string_view id,
                                       std::string_view position);
  // Roles from the catalogue (roles.h). Adding a held role or removing one not
  // held is kFailedPrecondition.
  Status AddRole(const engine::Context& ctx, std::string_view id, std::string_view role);
  Status RemoveRole(const engine::Context& ctx, std::string_view id, std::string_view role);

  // Administrator's operations (directory_admin.cc).
  Status UnlockUser(const engine::Context& ctx, std::string_view id);
  // Sets a temporary password (which must meet the rules), forces a change at
  // the next logon, clears any lock and ends the user's sessions. A user
  // holding rights needs a second person: `request` names the approved
  // credential_reset request (RightsGuard::CheckCredentialReset).
  Status ResetPassword(const engine::Context& ctx, std::string_view id,
                       std::string_view temporary_password, std::string_view request = {});
  // Removes the TOTP enrolment (a lost phone); the user enrols again. Needs a
  // second person as ResetPassword does.
  Status ResetTotp(const engine::Context& ctx, std::string_view id, std::string_view request = {});

  // The role change a configured rights-register request makes
  // (role_add / role_remove), inside the register's transaction `txn`: the
  // register's three people have decided it, so the guard is not asked.
  // Appends "identity.role_add" / "identity.role_remove" with attrs target,
  // role and request. kNotFound for an unknown user, kFailedPrecondition
  // when the role is already held (add) or not held (remove).
  Status ApplyRoleChange(store::WriteTxn& txn, const engine::Context& ctx, std::string_view id,
                         std::string_view role, bool add, std::string_view request);

  // Asked inside every change of a person's roles or department and every
  // credential reset (rights_guard.h); null asks nothing (the default until
  // policy installs its guard, api::Stack). Set before use; not owned.
  void SetRightsGuard(RightsGuard* guard) { guard_ = guard; }
  RightsGuard* rights_guard() const { return guard_; }

  // For the Authenticator and the other identity parts.
  store::Storage& storage() { return store_; }
  const Sealer& sealer() const { return sealer_; }
  const IdentityOptions& options() const { return options_; }
  const WordList& words() const { return *words_; }
  // An Argon2id hash of a random password at the configured cost: unknown and
  // disabled IDs are checked against it so their refusal takes as long as a
  // wrong password's.
  const std::string& dummy_hash() const { return dummy_hash_; }
  // Every Argon2 computation of identity takes its memory from this budget
  // (hash_budget.h); the methods below do so themselves.
  HashBudget& hash_budget() const { return *hash_budget_; }
  // A new hash at the configured cost, under a lease of its memory.
  // kUnavailable "login.busy" when the budget refuses.
  Result<std::string> HashPassword(std::string_view password) const;
  // Whether `password` matches the PHC hash `encoded`, under a lease of the
  // hash's memory cost: its own, or `lease` grown to it when given.
  // kUnavailable "login.busy" when the budget refuses; kInvalidArgument for
  // an `encoded` that is not an argon2id hash.
  Result<bool> VerifyPassword(std::string_view password, std::string_view encoded,
                              HashBudget::Lease* lease = nullptr) const;
  // Rules and reuse (password_rules.h, password_reuse.h) for a new password of
  // `u`; `current_plain` is the current password when the caller knows it.
  // Slow: Argon2 verifications against the history.
  Status CheckNewPassword(const User& u, const IdentityPolicy& policy, std::string_view password,
                          std::string_view current_plain) const;

 private:
  Directory(store::Storage& store, Sealer sealer, IdentityOptions options, const WordList* words,
            std::unique_ptr<WordList> owned_words);

  // Changes u (and may write more through txn); sets refusal to refuse, in
  // which case nothing it wrote is kept but the refusal event. Returns an
  // error only when storage fails.
  using UserMutation =
      std::function<Status(store::WriteTxn& txn, User& u, audit::Event& ev, Status& refusal)>;
  // Loads user `id` in an Update, refuses kNotFound, runs fn, and when fn
  // neither failed nor refused, stores the user (updated_at = now) and appends
  // ev ("identity.<operation>", attrs target).
  Status MutateUser(const engine::Context& ctx, std::string_view operation, std::string_view id,
                    const UserMutation& fn);
  // The guard's second-person check of a credential reset (OK without a
  // guard and for the local operator).
  Status SecondPerson(store::WriteTxn& txn, const engine::Context& ctx, const User& u,
                      std::string_view credential, std::string_view request);
  // The rules' view of u; the opened phone number is kept in phone_storage.
  Result<PasswordSubject> OpenSubject(const User& u, std::string& phone_storage) const;

  store::Storage& store_;
  Sealer sealer_;
  IdentityOptions options_;
  std::unique_ptr<WordList> owned_words_;
  const WordList* words_;
  std::unique_ptr<HashBudget> hash_budget_;
  std::string dummy_hash_;
  RightsGuard* guard_ = nullptr;
};

// The guard's view of a user.
HolderView HolderOf(const User& u);

}  // namespace mamori::identity
