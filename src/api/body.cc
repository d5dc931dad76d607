#include "api/body.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "crypto/secret.h"

namespace mamori::api {
namespace {

const BodyMember* FindMember(std::span<const BodyMember> members, std::string_view name) {
  auto it = std::find_if(members.begin(), members.end(),
                         [&](const BodyMember& m) { return m.name == name; });
  return it == members.end() ? nullptr : &*it;
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
std::expected<void, Problem> CheckMembers(const nlohmann::json& body,
                                          std::span<const BodyMember> members) {
  if (!body.is_object()) {
    return std::unexpected(BadMember("body", "the body must be a JSON object",
                                     "本文は JSON オブジェクトで指定してください"));
  }
  // Unknown names first: a misspelt member is the likelier mistake, and its
  // name is the more useful answer.
  for (const auto& [name, value] : body.items()) {
    if (!FindMember(members, name)) {
      return std::unexpected(BadMember(name, "unknown member '" + name + "'",
                                       "不明なメンバ '" + name + "' があります"));
    }
  }
  for (const auto& [name, value] : body.items()) {
    std::string type, type_ja;
    if (!OfKind(value, FindMember(members, name)->kind, &type, &type_ja)) {
      return std::unexpected(BadMember(name, "'" + name + "' must be " + type,
                                       "'" + name + "' は" + type_ja + "で指定してください"));
    }
  }
  for (const BodyMember& m : members) {
    if (m.required && !body.contains(m.name)) {
      const std::string& name = m.name;
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
                                                  std::span<const BodyMember> members,
                                                  bool empty_ok) {
  if (empty_ok && call.request.body.empty()) return nlohmann::json::object();
  auto body = JsonBody(call);
  if (!body) return std::unexpected(body.error());
  auto checked = CheckMembers(*body, members);
  if (!checked) {
    // A refused body may still carry a secret (a password beside a
    // misspelt member): its decoded strings go with it.
    WipeStrings(*body);
    return std::unexpected(checked.error());
  }
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

std::string_view StringView(const nlohmann::json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

std::vector<std::string> Strings(const nlohmann::json& body, std::string_view name) {
  auto it = body.find(name);
  if (it == body.end()) return {};
  return it->get<std::vector<std::string>>();
}

std::expected<nlohmann::json, Problem> DecodeBody(const Call& call) {
  const RouteSpec& spec = *call.spec;
  switch (spec.body) {
    case BodyRule::kNone: {
      const std::string& raw = call.request.body;
      const bool blank = raw.find_first_not_of(" \t\r\n") == std::string::npos;
      if (blank) return nlohmann::json(nullptr);
      auto body = JsonBody(call);
      if (body && body->is_object() && body->empty()) return nlohmann::json(nullptr);
      return std::unexpected(BadMember("body", "this resource takes no request body",
                                       "このリソースはリクエスト本文を受け付けません"));
    }
    case BodyRule::kStrict:
      return StrictBody(call, spec.members, spec.body_optional);
    case BodyRule::kJson:
      return JsonBody(call);
  }
  return std::unexpected(BadMember("body", "undeclared body", "本文の宣言がありません"));
}

void ScrubSecrets(Call& call) {
  crypto::WipeString(call.request.body);
  if (!call.spec || !call.body.is_object()) return;
  for (const BodyMember& m : call.spec->members) {
    if (!m.secret) continue;
    auto it = call.body.find(m.name);
    if (it != call.body.end()) WipeStrings(*it);
  }
}

}  // namespace mamori::api
