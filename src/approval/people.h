// What the approval engine needs to know about people beyond the caller:
// who holds an approving role, who is absent, and who is whose superior —
// for escalation to the approver's superior when the approver is the
// applicant or absent ([002 第19条2]).
//
// Contract: called outside the engine's transactions (like
// policy/directory.h), so an implementation may read the store itself.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "identity/directory.h"

namespace mamori::approval {

struct Person {
  std::string id;
  std::string department;
  std::string manager;  // the superior's id, or empty
  std::vector<std::string> roles;
  // A disabled ID (retirement, long leave) is absent: it cannot approve, and
  // its approvals go to its superior.
  bool active = true;
  // identity::User::hired and hire_kind ("" when not recorded).
  std::string hired, hire_kind;

  bool HasRole(std::string_view role) const {
    for (const auto& r : roles) {
      if (r == role) return true;
    }
    return false;
  }
};

class People {
 public:
  virtual ~People() = default;
  // Every person, active or not; any order.
  virtual Result<std::vector<Person>> All() const = 0;
};

// People over identity's directory (users only: service accounts approve
// nothing). Reads the store on every call.
class IdentityPeople final : public People {
 public:
  // `directory` must outlive this object.
  explicit IdentityPeople(identity::Directory& directory) : directory_(directory) {}
  Result<std::vector<Person>> All() const override;

 private:
  identity::Directory& directory_;
};

}  // namespace mamori::approval
