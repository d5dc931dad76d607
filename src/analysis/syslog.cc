#include "analysis/syslog.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

namespace mamori::analysis {
namespace {

constexpr int kFacility = 13;  // log audit

// RFC 5424 §6: printable US-ASCII without spaces, bounded; "-" otherwise.
std::string HeaderField(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return "-";
  for (char c : s) {
    if (c < 33 || c > 126) return "-";
  }
  return std::string(s);
}

std::string Hostname(const SyslogOrigin& o) {
  if (!o.hostname.empty()) return HeaderField(o.hostname, 255);
  char host[256] = {0};
  return ::gethostname(host, sizeof host - 1) == 0 ? HeaderField(host, 255) : "-";
}

// RFC 5424 §6.3.3: '"', '\' and ']' are escaped in a PARAM-VALUE.
std::string Param(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string Header(int severity, TimeMicros t, const SyslogOrigin& o, std::string_view msgid) {
  return "<" + std::to_string(kFacility * 8 + severity) + ">1 " + FormatUtc(t) + " " + Hostname(o) +
         " " + HeaderField(o.app_name, 48) + " " + std::to_string(::getpid()) + " " +
         std::string(msgid) + " ";
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

std::string SyslogEventMessage(const audit::Event& ev, const SyslogOrigin& origin) {
  const int severity = ev.result == audit::kResultOk        ? 6
                       : ev.result == audit::kResultRefused ? 4
                                                            : 3;
  std::string out = Header(severity, ev.time, origin, "audit");
  out += "[" + std::string(kStructuredDataId) + " " + Param("seq", std::to_string(ev.seq)) + " " +
         Param("operation", ev.operation) + " " + Param("result", ev.result) + "] ";
  out += kBom;
  out += audit::EventToJson(ev).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return out;
}

std::string SyslogFindingMessage(const Finding& f, const SyslogOrigin& origin) {
  const int severity = f.severity == Severity::kHigh ? 2 : f.severity == Severity::kMedium ? 4 : 5;
  std::string out = Header(severity, f.created_at ? f.created_at : f.from, origin, "finding");
  out += "[" + std::string(kStructuredDataId) + " " + Param("finding", f.id) + " " +
         Param("rule", RuleName(f.rule)) + " " + Param("severity", SeverityName(f.severity)) + " " +
         Param("owner", f.owner) + " " + Param("status", FindingStatusName(f.status)) + "] ";
  out += kBom;
  out += FindingToJson(f).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return out;
}

std::string OctetCounted(std::string_view message) {
  return std::to_string(message.size()) + " " + std::string(message);
}

}  // namespace mamori::analysis
