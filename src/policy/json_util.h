// Internal: strict reading of the JSON objects policy stores and accepts, and
// the checks of caller-supplied text and refusals shared by policy's files.
// One reader serves both caller input (errors are kInvalidArgument naming the
// member) and stored records (kDataLoss: the bytes are not what policy wrote).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"

namespace mamori::policy {

// A stored key as an error message may show it: itself when it is made of
// identifier characters, else "(malformed key)" (stored bytes are not
// repeated in errors).
std::string ShownKey(std::string_view key);

// kPermissionDenied whose subject is the stable refusal `code`.
Status Refuse(std::string_view code, const std::string& en, const std::string& ja);

// kInvalidArgument naming `member` when `text` is longer than `max` bytes, or
// empty while `required`.
Status CheckText(std::string_view text, bool required, const char* member, size_t max = 1024);

class JsonReader {
 public:
  // `what` names the object in messages ("right", "grant"); `code` is the
  // code of every error.
  JsonReader(const nlohmann::json& json, std::string what, Code code)
      : json_(json), what_(std::move(what)), code_(code) {}

  // Refuses a non-object and members outside `allowed`.
  Status Only(std::initializer_list<std::string_view> allowed) const;
  // Absent members read as "", false, 0, {} unless `required`.
  Result<std::string> String(std::string_view member, bool required) const;
  Result<bool> Bool(std::string_view member) const;
  Result<int64_t> Int(std::string_view member) const;
  // A FormatUtc string; absent reads as 0.
  Result<TimeMicros> Time(std::string_view member) const;
  Result<std::vector<std::string>> Strings(std::string_view member) const;
  // nullptr when absent and not required.
  Result<const nlohmann::json*> Object(std::string_view member, bool required) const;

  Status Corrupt(std::string_view member) const;

 private:
  const nlohmann::json* Find(std::string_view member) const;

  const nlohmann::json& json_;
  std::string what_;
  Code code_;
};

}  // namespace mamori::policy
