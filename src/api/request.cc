#include "api/request.h"

namespace mamori::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Status BadTarget(std::string en, std::string ja) {
  return Status::InvalidArgument(std::move(en), std::move(ja), "target");
}

}  // namespace

std::optional<std::string_view> RequestInfo::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out.push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Status ParseTarget(std::string_view target, std::string* path, QueryParams* query) {
  if (target.empty() || target.front() != '/') {
    return BadTarget("the request target must be a path starting with '/'",
                     "リクエスト先は '/' で始まるパスでなければなりません");
  }
  const size_t q = target.find('?');
  *path = std::string(target.substr(0, q));
  query->clear();
  if (q == std::string_view::npos) return Status::Ok();
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value || key->empty()) {
      return BadTarget("the query string is malformed (bad percent-encoding or empty name)",
                       "クエリ文字列の形式が不正です");
    }
    if (!query->emplace(std::move(*key), std::move(*value)).second) {
      return BadTarget("a query parameter is given more than once",
                       "同じクエリパラメータが複数回指定されています");
    }
  }
  return Status::Ok();
}

}  // namespace mamori::api
