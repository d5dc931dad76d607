// Internal to the route table: the builders its entries are written with,
// shared by route_table.cc and the files that hold a family of routes
// (route_table_governance.cc). Each returns an entry of route_table.h with
// its guard; the RouteSpec modifiers add the rest. They are named in a
// namespace of their own, brought in by a using-directive inside each
// table-building function only, so they meet no other file's helpers in a
// unity batch.
#pragma once

#include <string>
#include <vector>

#include "api/route_table.h"

namespace mamori::api::route_builders {

inline RouteSpec Entry(std::string method, std::string pattern, std::string operation,
                       Guard guard) {
  RouteSpec r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.operation = std::move(operation);
  r.guard = guard;
  return r;
}
inline RouteSpec Public(std::string m, std::string p, std::string op) {
  return Entry(std::move(m), std::move(p), std::move(op), Guard::kPublic);
}
inline RouteSpec Session(std::string m, std::string p, std::string op) {
  return Entry(std::move(m), std::move(p), std::move(op), Guard::kSession);
}
inline RouteSpec System(std::string m, std::string p, std::string op) {
  return Entry(std::move(m), std::move(p), std::move(op), Guard::kSystem);
}
// A peer node's call on the exchange listener.
inline RouteSpec Peer(std::string m, std::string p, std::string op) {
  return Entry(std::move(m), std::move(p), std::move(op), Guard::kPeer);
}
// A data operation on the {ds} dataset (and the {id} record, when the
// template has one).
inline RouteSpec Data(std::string m, std::string p, std::string op, bool purpose) {
  RouteSpec r = Entry(std::move(m), std::move(p), std::move(op), Guard::kData);
  r.purpose = purpose;
  return r;
}

inline constexpr bool kRequired = true;
inline constexpr bool kSecret = true;
inline const std::vector<std::string> kPage = {"limit", "cursor"};

}  // namespace mamori::api::route_builders

namespace mamori::api {

// The routes of the organisation's own cycles (route_table_governance.cc):
// registers, incidents, training, internal audit, self-inspection and the
// compliance report.
std::vector<RouteSpec> GovernanceRoutes();

}  // namespace mamori::api
