#include "api/router.h"

#include <algorithm>
#include <array>

namespace mamori::api {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsParam(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool IsKnownMethod(std::string_view m) {
  constexpr std::array<std::string_view, 5> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  return std::find(kMethods.begin(), kMethods.end(), m) != kMethods.end();
}

// Matches `segments` against `pattern`; fills params; returns the number of
// literal segments (the specificity) or -1.
int MatchPattern(std::string_view pattern, const std::vector<std::string_view>& segments,
                 PathParams* params) {
  const auto parts = Split(pattern);
  if (parts.size() != segments.size()) return -1;
  int literals = 0;
  PathParams found;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto decoded = PercentDecode(segments[i], false);
    if (!decoded || decoded->empty()) return -1;
    if (IsParam(parts[i])) {
      found.emplace(std::string(parts[i].substr(1, parts[i].size() - 2)), std::move(*decoded));
    } else if (parts[i] == *decoded) {
      ++literals;
    } else {
      return -1;
    }
  }
  *params = std::move(found);
  return literals;
}

}  // namespace

Status Router::Add(Route route) {
  if (!IsKnownMethod(route.method)) {
    return Status::InvalidArgument("unknown HTTP method " + route.method, "", "method");
  }
  const auto parts = Split(route.pattern);
  if (parts.empty()) return Status::InvalidArgument("route template must start with '/'");
  for (auto part : parts) {
    if (part.empty() || (part.find_first_of("{}") != std::string_view::npos && !IsParam(part))) {
      return Status::InvalidArgument("malformed route template " + route.pattern);
    }
  }
  for (const auto& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) {
      return Status::AlreadyExists("route " + route.method + " " + route.pattern + " exists");
    }
  }
  routes_.push_back(std::move(route));
  return Status::Ok();
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match out;
  const auto segments = Split(path);
  if (segments.empty()) return out;
  int best = -1;
  for (const auto& route : routes_) {
    PathParams params;
    const int score = MatchPattern(route.pattern, segments, &params);
    if (score < 0) continue;
    if (std::find(out.allowed.begin(), out.allowed.end(), route.method) == out.allowed.end()) {
      out.allowed.push_back(route.method);
    }
    if (route.method == method && score > best) {
      best = score;
      out.route = &route;
      out.params = std::move(params);
    }
  }
  return out;
}

}  // namespace mamori::api
