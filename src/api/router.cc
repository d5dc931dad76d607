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

// Matches the decoded path `segments` against a template's `parts`; fills
// params; returns the number of literal segments (the specificity) or -1.
int MatchPattern(const std::vector<std::string>& parts, const std::vector<std::string>& segments,
                 PathParams* params) {
  if (parts.size() != segments.size()) return -1;
  int literals = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsParam(parts[i])) continue;
    if (parts[i] != segments[i]) return -1;
    ++literals;
  }
  PathParams found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (IsParam(part)) found.emplace(std::string(part.substr(1, part.size() - 2)), segments[i]);
  }
  *params = std::move(found);
  return literals;
}

}  // namespace

void Router::Declare(RouteSpec spec) {
  declared_.push_back(std::make_unique<RouteSpec>(std::move(spec)));
}

Status Router::Add(Route route) {
  const RouteSpec* spec = FindRouteSpec(table_, route.method, route.pattern);
  for (const auto& d : declared_) {
    if (!spec && d->method == route.method && d->pattern == route.pattern) spec = d.get();
  }
  if (!spec || spec->guard == Guard::kUndeclared || spec->operation.empty()) {
    return Status::FailedPrecondition(
        "route " + route.method + " " + route.pattern +
            " is not declared in the route table (operation and guard): refusing to serve it",
        "ルート " + route.method + " " + route.pattern +
            " はルート表に宣言されていない (操作と認可) ため提供できません",
        "route");
  }
  route.spec = spec;
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
  segments_.emplace_back(parts.begin(), parts.end());
  routes_.push_back(std::move(route));
  return Status::Ok();
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match out;
  const auto encoded = Split(path);
  if (encoded.empty()) return out;
  // Every segment decodes to something non-empty, or no template matches.
  std::vector<std::string> segments;
  segments.reserve(encoded.size());
  for (std::string_view segment : encoded) {
    auto decoded = PercentDecode(segment, false);
    if (!decoded || decoded->empty()) return out;
    segments.push_back(std::move(*decoded));
  }
  int best = -1;
  for (size_t r = 0; r < routes_.size(); ++r) {
    const Route& route = routes_[r];
    PathParams params;
    const int score = MatchPattern(segments_[r], segments, &params);
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
