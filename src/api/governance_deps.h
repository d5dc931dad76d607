// Internal to the api: the registers of the organisation's own cycles
// (src/governance) keep no state beyond the store and read people through
// the identity directory; the routes of each make one per server and keep it
// alive, with the directory view it reads, in their handlers.
#pragma once

#include <memory>

#include "api/routes.h"
#include "approval/people.h"

namespace mamori::api {

// A T(storage, people) over deps.engine's store and deps.identity's
// directory; both must be set.
template <typename T>
std::shared_ptr<T> GovernanceRegister(const RouteDeps& deps) {
  struct Held {
    approval::IdentityPeople people;
    T value;
    Held(identity::Directory& d, store::Storage& s) : people(d), value(s, people) {}
  };
  auto held = std::make_shared<Held>(deps.identity->directory(), deps.engine->data_store());
  return std::shared_ptr<T>(held, &held->value);
}

}  // namespace mamori::api
