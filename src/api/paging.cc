#include "api/paging.h"

#include <algorithm>

namespace mamori::api {

std::expected<PageParams, Problem> PageParamsOf(const Call& call) {
  PageParams params;
  auto limit = QueryUint(call, "limit", kDefaultPageLimit);
  if (!limit) return std::unexpected(limit.error());
  if (*limit == 0 || *limit > kMaxPageLimit) {
    return std::unexpected(Problem::Make(
        "invalid_argument", "limit must be from 1 to " + std::to_string(kMaxPageLimit),
        "limit は1〜" + std::to_string(kMaxPageLimit) + "で指定してください", "limit"));
  }
  params.limit = static_cast<size_t>(*limit);
  params.cursor = call.QueryText("cursor");
  return params;
}

nlohmann::json PageRange::NextCursorJson() const {
  return next_cursor.empty() ? nlohmann::json(nullptr) : nlohmann::json(next_cursor);
}

std::expected<PageRange, Problem> PageOf(size_t size, const std::function<std::string(size_t)>& key,
                                         const PageParams& params) {
  PageRange range;
  if (!params.cursor.empty()) {
    size_t i = 0;
    while (i < size && key(i) != params.cursor) ++i;
    if (i == size) {
      return std::unexpected(Problem::Make(
          "invalid_argument",
          "cursor names no item of this list (it changed, or the cursor is not one of its "
          "next_cursor values); start again without a cursor",
          "cursor に該当する項目がこの一覧にありません (一覧が変わったか、next_cursor "
          "の値ではありません)。cursor なしで最初から取得し直してください",
          "cursor"));
    }
    range.begin = i + 1;
  }
  range.end = range.begin + std::min(params.limit, size - range.begin);
  if (range.end < size) range.next_cursor = key(range.end - 1);
  return range;
}

std::expected<void, Problem> PageJsonMember(nlohmann::json& body, const char* member,
                                            const PageParams& params) {
  nlohmann::json& items = body[member];
  auto range = PageOf(
      items.size(), [&](size_t i) { return items[i].value("id", std::string()); }, params);
  if (!range) return std::unexpected(range.error());
  nlohmann::json page = nlohmann::json::array();
  for (size_t i = range->begin; i < range->end; ++i) page.push_back(std::move(items[i]));
  items = std::move(page);
  body["next_cursor"] = range->NextCursorJson();
  return {};
}

}  // namespace mamori::api
