#include "approval/people.h"

namespace mamori::approval {

Result<std::vector<Person>> IdentityPeople::All() const {
  MAMORI_ASSIGN_OR_RETURN(auto users, directory_.ListUsers());
  std::vector<Person> out;
  out.reserve(users.size());
  for (const auto& u : users) {
    out.push_back(Person{u.id, u.department, u.manager, u.roles, u.active(), u.hired, u.hire_kind});
  }
  return out;
}

}  // namespace mamori::approval
