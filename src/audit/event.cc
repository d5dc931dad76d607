#include "audit/event.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "audit/jcs.h"
#include "audit/merkle.h"

namespace mamori::audit {
namespace {

struct StringField {
  std::string_view name;
  std::string Event::*member;
};

// Every string member; "result" is among them but always written.
constexpr StringField kStringFields[] = {
    {"actor", &Event::actor},
    {"terminal", &Event::terminal},
    {"purpose", &Event::purpose},
    {"operation", &Event::operation},
    {"dataset", &Event::dataset},
    {"subject", &Event::subject},
    {"record", &Event::record},
    {"result", &Event::result},
    {"code", &Event::code},
    {"reason", &Event::reason},
    {"request_id", &Event::request_id},
    {"prev", &Event::prev},
};

// 10000-01-01T00:00:00Z: FormatUtc and ParseUtc use four-digit years.
constexpr TimeMicros kTimeLimit = 253'402'300'800'000'000;

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Invalid(std::string en, std::string ja, std::string subject) {
  return Status::InvalidArgument(std::move(en), std::move(ja), std::move(subject));
}

// Printable ASCII without white space, quotes or backslashes: ids, codes,
// names of fields, terminals ("cert:<sha256>", "remote:[::1]"), times. JSON
// of such values (mask scopes) is allowed in attributes only.
bool IdentifierChar(char c, bool json) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (std::string_view("._:@/()-[]~+=,*#").find(c) != std::string_view::npos) return true;
  return json && (c == '{' || c == '}' || c == '"');
}

// A run of ten or more decimal digits — counted across hyphens, as
// "1234-5678-9018" is still one — is what My Numbers (12), 法人番号 (13),
// telephone and account numbers look like; an id of that shape is refused
// too, rather than a value let through. Lower-case hex tokens of 16 or more
// characters (record ids, fingerprints, request ids) are random and exempt.
bool LooksLikeANumberOfAPerson(std::string_view v) {
  size_t run = 0;
  for (size_t i = 0; i < v.size();) {
    size_t hex = i;
    while (hex < v.size() &&
           ((v[hex] >= '0' && v[hex] <= '9') || (v[hex] >= 'a' && v[hex] <= 'f'))) {
      ++hex;
    }
    const bool token_start = i == 0 || !std::isalnum(static_cast<unsigned char>(v[i - 1]));
    const bool token_end = hex == v.size() || !std::isalnum(static_cast<unsigned char>(v[hex]));
    if (hex - i >= 16 && token_start && token_end) {
      run = 0;
      i = hex;
      continue;
    }
    const char c = v[i];
    if (c >= '0' && c <= '9') {
      if (++run >= 10) return true;
    } else if (c != '-') {
      run = 0;
    }
    ++i;
  }
  return false;
}

bool IsIdentifier(std::string_view v, bool json) {
  if (v.size() > (json ? 1024 : 256)) return false;
  for (char c : v) {
    if (!IdentifierChar(c, json)) return false;
  }
  return !LooksLikeANumberOfAPerson(v);
}

Status NotAnIdentifier(const std::string& where) {
  return Invalid("audit event " + where +
                     " is not an identifier: events carry ids and codes, never text or values",
                 "監査イベントの " + where +
                     " が識別子ではありません (イベントには ID とコードのみを記録します)",
                 where);
}

}  // namespace

Status ValidateEvent(const Event& ev) {
  if (ev.operation.empty()) {
    return Invalid("audit event has no operation", "監査イベントに操作名がありません", "operation");
  }
  if (ev.result != kResultOk && ev.result != kResultRefused && ev.result != kResultError) {
    return Invalid("audit event result must be \"ok\", \"refused\" or \"error\"",
                   "監査イベントの結果は \"ok\"、\"refused\"、\"error\" のいずれかです", "result");
  }
  if (!IsLowerHex(ev.subject)) {
    return Invalid("audit event subject must be a keyed-hash reference in lower-case hex",
                   "監査イベントの本人参照は小文字16進の鍵付きハッシュでなければなりません",
                   "subject");
  }
  if (ev.time < 0 || ev.time >= kTimeLimit) {
    return Invalid("audit event time is outside years 1970..9999",
                   "監査イベントの時刻が1970年から9999年の範囲外です", "time");
  }
  return CheckIdentifiersOnly(ev);
}

bool HoldsPersonalNumber(std::string_view text) { return LooksLikeANumberOfAPerson(text); }

std::string EventIdentifier(std::string_view value) {
  return IsIdentifier(value, false) ? std::string(value) : std::string("(invalid)");
}

std::string EventJsonAttr(std::string_view value) {
  return IsIdentifier(value, true) ? std::string(value) : std::string("(invalid)");
}

Status CheckIdentifiersOnly(const Event& ev) {
  for (const auto& f : kStringFields) {
    if (f.name == "subject" || f.name == "prev") continue;  // lower-case hex, checked above
    if (!IsIdentifier(ev.*f.member, false)) return NotAnIdentifier(std::string(f.name));
  }
  for (const auto& [key, value] : ev.attrs) {
    if (key.empty() || !IsIdentifier(key, false)) return NotAnIdentifier("attrs");
    if (!IsIdentifier(value, true)) return NotAnIdentifier("attrs." + key);
  }
  return Status::Ok();
}

std::string CanonicalJson(const Event& ev) {
  jcs::ObjectWriter w;
  for (const auto& f : kStringFields) {
    const std::string& v = ev.*f.member;
    if (!v.empty() || f.name == "result") w.String(f.name, v);
  }
  if (!ev.attrs.empty()) {
    jcs::ObjectWriter attrs;
    for (const auto& [k, v] : ev.attrs) attrs.String(k, v);
    w.Raw("attrs", attrs.Finish());
  }
  w.Uint("seq", ev.seq);
  w.String("time", FormatUtc(ev.time));
  return w.Finish();
}

crypto::Digest EventLeafHash(const Event& ev) { return merkle::HashLeaf(CanonicalJson(ev)); }

Result<Event> ParseEvent(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Fail(Status::DataLoss("stored audit event is not valid JSON",
                                 "保存された監査イベントが正しいJSONではありません"));
  }
  auto ev = EventFromJson(j);
  if (!ev) {
    const Status& s = ev.error();
    return Fail(Status(Code::kDataLoss, "stored audit event: " + s.message(),
                       "保存された監査イベント: " + s.message_ja(), s.subject()));
  }
  return ev;
}

nlohmann::json EventToJson(const Event& ev) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : kStringFields) {
    const std::string& v = ev.*f.member;
    if (!v.empty() || f.name == "result") j[std::string(f.name)] = v;
  }
  if (!ev.attrs.empty()) j["attrs"] = ev.attrs;
  j["seq"] = ev.seq;
  j["time"] = FormatUtc(ev.time);
  return j;
}

Result<Event> EventFromJson(const nlohmann::json& j) {
  if (!j.is_object()) {
    return Fail(Invalid("audit event must be a JSON object",
                        "監査イベントはJSONオブジェクトでなければなりません", ""));
  }
  Event ev;
  bool has_seq = false, has_time = false, has_result = false;
  for (const auto& [key, value] : j.items()) {
    const auto wrong = [&key](std::string_view what_en, std::string_view what_ja) {
      return Fail(Invalid(
          "audit event member \"" + key + "\" must be " + std::string(what_en),
          "監査イベントの \"" + key + "\" は" + std::string(what_ja) + "でなければなりません",
          key));
    };
    const StringField* field = nullptr;
    for (const auto& f : kStringFields) {
      if (f.name == key) field = &f;
    }
    if (field != nullptr) {
      if (!value.is_string()) return wrong("a string", "文字列");
      ev.*field->member = value.get_ref<const std::string&>();
      if (key == "result") has_result = true;
    } else if (key == "attrs") {
      if (!value.is_object()) return wrong("an object of strings", "文字列のオブジェクト");
      for (const auto& [ak, av] : value.items()) {
        if (!av.is_string()) return wrong("an object of strings", "文字列のオブジェクト");
        ev.attrs.emplace(ak, av.get_ref<const std::string&>());
      }
    } else if (key == "seq") {
      if (!value.is_number_unsigned()) return wrong("an unsigned integer", "非負整数");
      ev.seq = value.get<uint64_t>();
      has_seq = true;
    } else if (key == "time") {
      const auto t = value.is_string() ? ParseUtc(value.get_ref<const std::string&>())
                                       : std::optional<TimeMicros>();
      if (!t) return wrong("a UTC time such as 2026-11-22T03:04:05.123456Z", "UTC時刻");
      ev.time = *t;
      has_time = true;
    } else {
      return Fail(Invalid("audit event has an unknown member \"" + key + "\"",
                          "監査イベントに不明な項目 \"" + key + "\" があります", key));
    }
  }
  if (!has_seq || !has_time || !has_result) {
    const char* missing = !has_seq ? "seq" : !has_time ? "time" : "result";
    return Fail(Invalid(std::string("audit event lacks \"") + missing + "\"",
                        std::string("監査イベントに \"") + missing + "\" がありません", missing));
  }
  return ev;
}

}  // namespace mamori::audit
