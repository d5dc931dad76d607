#include "policy/json_util.h"

#include <algorithm>

namespace mamori::policy {

const nlohmann::json* JsonReader::Find(std::string_view member) const {
  if (!json_.is_object()) return nullptr;
  auto it = json_.find(member);
  return it == json_.end() || it->is_null() ? nullptr : &*it;
}

Status JsonReader::Corrupt(std::string_view member) const {
  const std::string m(member);
  if (code_ == Code::kDataLoss) {
    return Status(code_, "stored " + what_ + " has a malformed member '" + m + "'",
                  "保存された " + what_ + " の項目 '" + m + "' が壊れています", m);
  }
  return Status(code_, what_ + "." + m + " is missing or has the wrong type",
                what_ + "." + m + " がないか型が違います", m);
}

Status JsonReader::Only(std::initializer_list<std::string_view> allowed) const {
  if (!json_.is_object()) {
    return Status(code_, what_ + " must be a JSON object",
                  what_ + " は JSON オブジェクトでなければなりません", what_);
  }
  for (const auto& [key, _] : json_.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      // A stored record's member names are stored bytes: not repeated.
      if (code_ == Code::kDataLoss) {
        return Status(code_, "stored " + what_ + " has an unknown member",
                      "保存された " + what_ + " に不明な項目があります", what_);
      }
      return Status(code_, what_ + " has an unknown member '" + key + "'",
                    what_ + " に不明な項目 '" + key + "' があります", key);
    }
  }
  return Status::Ok();
}

Result<std::string> JsonReader::String(std::string_view member, bool required) const {
  const nlohmann::json* v = Find(member);
  if (!v) {
    if (required) return Fail(Corrupt(member));
    return std::string();
  }
  if (!v->is_string()) return Fail(Corrupt(member));
  return v->get<std::string>();
}

Result<bool> JsonReader::Bool(std::string_view member) const {
  const nlohmann::json* v = Find(member);
  if (!v) return false;
  if (!v->is_boolean()) return Fail(Corrupt(member));
  return v->get<bool>();
}

Result<int64_t> JsonReader::Int(std::string_view member) const {
  const nlohmann::json* v = Find(member);
  if (!v) return int64_t{0};
  if (!v->is_number_integer()) return Fail(Corrupt(member));
  return v->get<int64_t>();
}

Result<TimeMicros> JsonReader::Time(std::string_view member) const {
  const nlohmann::json* v = Find(member);
  if (!v) return TimeMicros{0};
  if (!v->is_string()) return Fail(Corrupt(member));
  auto t = ParseUtc(v->get_ref<const std::string&>());
  if (!t) return Fail(Corrupt(member));
  return *t;
}

Result<std::vector<std::string>> JsonReader::Strings(std::string_view member) const {
  std::vector<std::string> out;
  const nlohmann::json* v = Find(member);
  if (!v) return out;
  if (!v->is_array()) return Fail(Corrupt(member));
  for (const auto& e : *v) {
    if (!e.is_string()) return Fail(Corrupt(member));
    out.push_back(e.get<std::string>());
  }
  return out;
}

Result<const nlohmann::json*> JsonReader::Object(std::string_view member, bool required) const {
  const nlohmann::json* v = Find(member);
  if (!v) {
    if (required) return Fail(Corrupt(member));
    return static_cast<const nlohmann::json*>(nullptr);
  }
  if (!v->is_object()) return Fail(Corrupt(member));
  return v;
}

std::string ShownKey(std::string_view key) {
  if (key.empty() || key.size() > 200) return "(malformed key)";
  for (char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-' || c == '.' || c == '/' || c == '@' || c == ':';
    if (!plain) return "(malformed key)";
  }
  return std::string(key);
}

Status Refuse(std::string_view code, const std::string& en, const std::string& ja) {
  return Status::PermissionDenied(en, ja, std::string(code));
}

Status CheckText(std::string_view text, bool required, const char* member, size_t max) {
  if ((required && text.empty()) || text.size() > max) {
    const std::string bytes = std::to_string(max);
    return Status::InvalidArgument(
        std::string(member) + (required ? " is required (1 to " + bytes + " bytes)"
                                        : " is at most " + bytes + " bytes"),
        std::string(member) +
            (required ? " は必須です (1〜" + bytes + "バイト)" : " は" + bytes + "バイト以内です"),
        member);
  }
  return Status::Ok();
}

}  // namespace mamori::policy
