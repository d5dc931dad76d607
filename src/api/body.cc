#include "api/body.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "crypto/secret.h"

namespace mamori::api {
namespace {

const Member* FindMember(std::initializer_list<Member> members, std::string_view name) {
  auto it =
      std::find_if(members.begin(), members.end(), [&](const Member& m) { return m.name == name; });
  return it == members.end() ? nullptr : it;
}

// Whether `value` is of `kind`; the English and Japanese name of the kind
// for the problem when it is not.
bool OfKind(const nlohmann::json& value, Kind kind, std::string* type, std::string* type_ja) {
  switch (kind) {
    case Kind::kString:
      *type = "a string";
      *type_ja = "文字列";
      return value.is_string();
    case Kind::kBool:
      *type = "true or false";
      *type_ja = "true または false";
      return value.is_boolean();
    case Kind::kStrings:
      *type = "an array of strings";
      *type_ja = "文字列の配列";
      return value.is_array() && std::all_of(value.begin(), value.end(),
                                             [](const nlohmann::json& v) { return v.is_string(); });
    case Kind::kAny:
      return true;
  }
  return false;
}

void WipeStrings(nlohmann::json& j) {
  if (j.is_string()) {
    crypto::WipeString(j.get_ref<std::string&>());
  } else if (j.is_structured()) {
    for (auto& item : j) WipeStrings(item);
  }
}

// The shape, member names, kinds and required members of a decoded body.
std::expected<void, Problem> CheckMembers(const nlohmann::json& decoded,
                                          std::initializer_list<Member> members) {
  const nlohmann::json* body = &decoded;
  if (!body->is_object()) {
    return std::unexpected(BadMember("body", "the body must be a JSON object",
                                     "本文は JSON オブジェクトで指定してください"));
  }
  // Unknown names first: a misspelt member is the likelier mistake, and its
  // name is the more useful answer.
  for (const auto& [name, value] : body->items()) {
    if (!FindMember(members, name)) {
      return std::unexpected(BadMember(name, "unknown member '" + name + "'",
                                       "不明なメンバ '" + name + "' があります"));
    }
  }
  for (const auto& [name, value] : body->items()) {
    std::string type, type_ja;
    if (!OfKind(value, FindMember(members, name)->kind, &type, &type_ja)) {
      return std::unexpected(BadMember(name, "'" + name + "' must be " + type,
                                       "'" + name + "' は" + type_ja + "で指定してください"));
    }
  }
  for (const Member& m : members) {
    if (m.required && !body->contains(m.name)) {
      const std::string name(m.name);
      return std::unexpected(
          BadMember(name, "'" + name + "' is required", "'" + name + "' は必須です"));
    }
  }
  return {};
}

}  // namespace

Problem BadMember(std::string_view name, std::string detail, std::string detail_ja) {
  return Problem::Make("invalid_argument", std::move(detail), std::move(detail_ja),
                       std::string(name));
}

std::expected<nlohmann::json, Problem> StrictBody(const Call& call,
                                                  std::initializer_list<Member> members,
                                                  bool empty_ok) {
  if (empty_ok && call.request.body.empty()) return nlohmann::json::object();
  auto body = JsonBody(call);
  if (!body) return std::unexpected(body.error());
  auto checked = CheckMembers(*body, members);
  // A refused body may still carry a secret (a password beside a misspelt
  // member): its decoded strings go with it.
  if (!checked) WipeStrings(*body);
  if (!checked) return std::unexpected(checked.error());
  return body;
}

std::optional<std::string> OptString(const nlohmann::json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return std::nullopt;
  return it->get<std::string>();
}

std::string StringOf(const nlohmann::json& body, std::string_view name) {
  return OptString(body, name).value_or("");
}

std::vector<std::string> Strings(const nlohmann::json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return {};
  return it->get<std::vector<std::string>>();
}

void Scrub(Call& call, nlohmann::json* decoded) {
  crypto::WipeString(call.request.body);
  if (decoded) WipeStrings(*decoded);
}

}  // namespace mamori::api
