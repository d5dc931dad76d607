// Paging of the lists that identity and policy return whole and in a stable
// order (users, terminals, service accounts, change requests, register
// entries, grants, holdings, review campaigns and items). The contract is
// the record list's (routes_records.cc):
//
//   ?limit=N    1..1000 items, default 100; anything else is a 400
//               invalid_argument naming "limit".
//   ?cursor=C   the "next_cursor" of the previous page: the key of the last
//               item it held. A cursor that names no item of the list is a
//               400 invalid_argument naming "cursor" (the client starts
//               over: the list changed, or the cursor was never one).
//   response    gains "next_cursor": the key to continue from, or null on
//               the last page.
//
// An item's key is its "id"; where one list mixes several owners' ids (the
// overdue items of several campaigns) it is "<campaign>/<id>". The lists are
// cut in the API, after the authorisation step, because identity and policy
// hand them over in full; a page bounds the response, not the read.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/problem.h"

namespace mamori::api {

inline constexpr size_t kDefaultPageLimit = 100;
inline constexpr size_t kMaxPageLimit = 1000;

struct PageParams {
  size_t limit = kDefaultPageLimit;
  std::string cursor;  // empty: from the first item
};

// The limit and cursor of the request. Handlers call it before they
// authorise, so that a malformed limit is refused like any other malformed
// query parameter.
std::expected<PageParams, Problem> PageParamsOf(const Call& call);

// Items [begin, end) of a list form the page; next_cursor is empty on the
// last page.
struct PageRange {
  size_t begin = 0;
  size_t end = 0;
  std::string next_cursor;

  // "next_cursor" as the response carries it: a string, or null.
  nlohmann::json NextCursorJson() const;
};

// The page of a list of `size` items whose i-th key is key(i).
std::expected<PageRange, Problem> PageOf(size_t size, const std::function<std::string(size_t)>& key,
                                         const PageParams& params);

// The page of `items` as {member: [to_json(item), …], "next_cursor": …};
// key(item) is the item's cursor.
template <typename T, typename KeyFn, typename JsonFn>
std::expected<nlohmann::json, Problem> JsonPage(const char* member, const std::vector<T>& items,
                                                const PageParams& params, KeyFn key,
                                                JsonFn to_json) {
  auto range = PageOf(
      items.size(), [&](size_t i) -> std::string { return key(items[i]); }, params);
  if (!range) return std::unexpected(range.error());
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = range->begin; i < range->end; ++i) out.push_back(to_json(items[i]));
  return nlohmann::json{{member, std::move(out)}, {"next_cursor", range->NextCursorJson()}};
}

// Pages the JSON array body[member] in place (each element an object with
// an "id") and sets body["next_cursor"]: for responses built whole by
// policy, e.g. the register's "entries".
std::expected<void, Problem> PageJsonMember(nlohmann::json& body, const char* member,
                                            const PageParams& params);

}  // namespace mamori::api
