// docs/openapi.yaml against the server's route table: every route must be
// in the spec with the same query parameters, and every path and method of
// the spec must be a route. A tiny line parser reads the parts of the YAML
// this needs (two-space indentation, as the file is written); no YAML
// library.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "api/router.h"
#include "api/routes.h"
#include "api/stack.h"
#include "engine/engine_fixture.h"

#ifndef MAMORI_SOURCE_DIR
#error "MAMORI_SOURCE_DIR must name the source tree"
#endif

namespace mamori::api {
namespace {

using OperationKey = std::pair<std::string, std::string>;  // method, path

struct Spec {
  std::map<OperationKey, std::set<std::string>> query;  // operation → query parameter names
};

size_t Indent(const std::string& line) { return line.find_first_not_of(' '); }

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  const size_t start = s.find_first_not_of(' ');
  return start == std::string::npos ? "" : s.substr(start);
}

std::string Unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Spec ParseSpec(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);

  // components.parameters: name → "in" (query or path).
  std::map<std::string, std::string> component_in;
  std::string section, sub, component;
  for (const auto& raw : lines) {
    const std::string line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const size_t indent = Indent(raw);
    if (indent == 0) section = line;
    if (section != "components:") continue;
    if (indent == 2) sub = line;
    if (sub != "parameters:") continue;
    if (indent == 4) component = line.substr(0, line.size() - 1);
    if (indent == 6 && line.rfind("in: ", 0) == 0) component_in[component] = line.substr(4);
  }

  Spec spec;
  static const std::set<std::string> kMethods = {"get:", "post:", "put:", "patch:", "delete:"};
  std::string current_path;
  OperationKey op;
  bool in_paths = false;
  std::string inline_name;
  for (const auto& raw : lines) {
    const std::string line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const size_t indent = Indent(raw);
    if (indent == 0) {
      in_paths = line == "paths:";
      continue;
    }
    if (!in_paths) continue;
    if (indent == 2 && line.back() == ':') {
      current_path = Unquote(line.substr(0, line.size() - 1));
      op = {};
    } else if (indent == 4 && kMethods.count(line)) {
      op = {Upper(line.substr(0, line.size() - 1)), current_path};
      spec.query[op];
    } else if (!op.first.empty() && line.rfind("- $ref:", 0) == 0) {
      const std::string ref = Unquote(Trim(line.substr(7)));
      const std::string prefix = "#/components/parameters/";
      if (ref.rfind(prefix, 0) == 0) {
        const std::string name = ref.substr(prefix.size());
        EXPECT_TRUE(component_in.count(name)) << "undefined parameter " << name;
        if (component_in[name] == "query") spec.query[op].insert(name);
      }
    } else if (!op.first.empty() && line.rfind("- name: ", 0) == 0) {
      inline_name = line.substr(8);
    } else if (!op.first.empty() && line == "in: query" && !inline_name.empty()) {
      spec.query[op].insert(inline_name);
      inline_name.clear();
    } else if (line.rfind("in: ", 0) == 0) {
      inline_name.clear();
    }
  }
  return spec;
}

// The route table of a full server: every family, over a real Stack.
class OpenApiTest : public engine::EngineTest {};

TEST_F(OpenApiTest, SpecAndRouteTableAgree) {
  auto stack = Stack::Open(*engine_);
  ASSERT_TRUE(stack.has_value()) << stack.error().ToString();
  Router router;
  ASSERT_TRUE(AddAllRoutes(router, (*stack)->Deps()).ok());
  const Spec spec = ParseSpec(std::string(MAMORI_SOURCE_DIR) + "/docs/openapi.yaml");
  ASSERT_FALSE(spec.query.empty());

  std::set<OperationKey> in_router;
  for (const Route& route : router.routes()) {
    const OperationKey key{route.method, route.pattern};
    in_router.insert(key);
    auto it = spec.query.find(key);
    if (it == spec.query.end()) {
      ADD_FAILURE() << "route " << route.method << " " << route.pattern
                    << " is not in docs/openapi.yaml";
      continue;
    }
    std::set<std::string> declared(route.spec->query.begin(), route.spec->query.end());
    if (route.spec->purpose) declared.insert("purpose");
    EXPECT_EQ(it->second, declared)
        << "query parameters of " << route.method << " " << route.pattern << " differ";
  }
  for (const auto& [key, params] : spec.query) {
    EXPECT_TRUE(in_router.count(key)) << "docs/openapi.yaml has " << key.first << " " << key.second
                                      << ", which the server does not route";
  }
}

}  // namespace
}  // namespace mamori::api
