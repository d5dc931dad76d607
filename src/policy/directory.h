// What policy needs to know about people and cannot own: who holds a role,
// who manages whom, who belongs where. The identity module implements this
// interface; policy depends on nothing else of identity, and tests use a
// map-backed fake.
//
// Contract: policy calls these methods outside any of its own storage
// transactions, so an implementation may read the store itself (View) but
// must not assume it runs inside a policy Update. Ids are Principal::id.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/context.h"
#include "store/storage.h"

namespace mamori::policy {

class Directory {
 public:
  virtual ~Directory() = default;

  // Every enabled principal (people and service accounts) holding `role` now,
  // through any position; each id once, any order.
  virtual Result<std::vector<std::string>> HoldersOf(std::string_view role) const = 0;

  // HoldersOf, disabled principals included. A person review is about
  // someone who has usually just been disabled (leave, retirement): the
  // rights their roles carry come back with the ID, so the review lists them
  // and the suspension holds until they are decided. The default suits a
  // directory without disabled principals.
  virtual Result<std::vector<std::string>> HoldersOfIncludingDisabled(std::string_view role) const {
    return HoldersOf(role);
  }

  // The person who reviews `person`'s rights (line manager, 情報セキュリティ
  // 管理者 of their section); nullopt when there is none.
  virtual Result<std::optional<std::string>> ManagerOf(std::string_view person) const = 0;

  // `person`'s department; empty when unknown or not a person (the local
  // operator "os:<name>", the analysis): never an error for such an actor.
  virtual Result<std::string> DepartmentOf(std::string_view person) const = 0;
};

// What the rights register changes in identity when it configures a
// role_add or role_remove request: the role change, inside the register's
// own transaction, so the request and the membership commit together.
class MembershipWriter {
 public:
  virtual ~MembershipWriter() = default;
  virtual Status ApplyRole(store::WriteTxn& txn, const engine::Context& ctx,
                           std::string_view person, std::string_view role, bool add,
                           std::string_view request) = 0;
};

}  // namespace mamori::policy
