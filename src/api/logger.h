// Structured logs: one JSON object per line on stderr (or a sink a test
// gives), e.g.
//   {"time":"2026-11-22T03:04:05.123456Z","level":"info","msg":"request",
//    "request_id":"…","method":"GET","route":"/v1/datasets/{ds}/records/{id}",
//    "status":200,"duration_ms":1.9,"principal":"alice"}
// Callers pass only non-personal fields: route templates, never paths with
// ids; never bodies, query values, tokens or record values (logs hold no personal
// data: docs/REQUIREMENTS.md §6, [002 第132条2]).
// Thread-safe: each line is written whole.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace mamori::api {

enum class LogLevel { kDebug = 0, kInfo, kWarn, kError, kOff };

std::optional<LogLevel> ParseLogLevel(std::string_view name);  // debug|info|warn|error|off
std::string_view LogLevelName(LogLevel level);

class Logger {
 public:
  // Receives one line without its newline.
  using Sink = std::function<void(std::string_view line)>;

  // An empty sink writes to stderr.
  explicit Logger(LogLevel level = LogLevel::kInfo, Sink sink = {});

  bool Enabled(LogLevel level) const { return level >= level_ && level_ != LogLevel::kOff; }
  // `fields` must be a JSON object; "time", "level" and "msg" are added.
  void Log(LogLevel level, std::string_view msg, const nlohmann::json& fields);

 private:
  LogLevel level_;
  Sink sink_;
  std::mutex mu_;
};

}  // namespace mamori::api
