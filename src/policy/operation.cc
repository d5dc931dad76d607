#include "policy/operation.h"

#include <array>
#include <utility>

namespace mamori::policy {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kNames = {{
    {"read", "参照"},
    {"write", "登録・更新"},
    {"find", "検索"},
    {"export", "一括出力"},
    {"shred", "廃棄"},
    {"administer", "管理"},
}};

}  // namespace

std::string_view OperationName(Operation op) { return kNames[static_cast<size_t>(op)].first; }

std::string_view OperationLabelJa(Operation op) { return kNames[static_cast<size_t>(op)].second; }

std::optional<Operation> ParseOperation(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i].first == name) return static_cast<Operation>(i);
  }
  return std::nullopt;
}

}  // namespace mamori::policy
