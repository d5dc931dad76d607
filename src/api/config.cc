#include "api/config.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <toml++/toml.h>

namespace mamori::api {
namespace {

Status Bad(std::string_view key, const std::string& en, const std::string& ja) {
  return Status::InvalidArgument("configuration: " + std::string(key) + ": " + en,
                                 "設定 " + std::string(key) + ": " + ja, std::string(key));
}

Status Unknown(std::string_view key) {
  return Bad(key, "unknown key (secrets never go in the configuration; give paths to files)",
             "不明なキーです (秘密情報は設定に書かず、ファイルのパスを指定してください)");
}

std::string Resolve(const std::string& path, std::string_view base_dir) {
  const std::filesystem::path p(path);
  if (p.empty() || base_dir.empty() || p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).string();
}

Result<std::string> String(const toml::node& node, std::string_view key) {
  auto v = node.value<std::string>();
  if (!v) return Fail(Bad(key, "must be a string", "文字列で指定してください"));
  return *v;
}

Result<uint64_t> Unsigned(const toml::node& node, std::string_view key, uint64_t lo, uint64_t hi) {
  if (!node.is_integer()) return Fail(Bad(key, "must be an integer", "整数で指定してください"));
  const int64_t v = node.value_or<int64_t>(0);
  if (v < 0 || static_cast<uint64_t>(v) < lo || static_cast<uint64_t>(v) > hi) {
    return Fail(Bad(key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi),
                    std::to_string(lo) + "〜" + std::to_string(hi) + " で指定してください"));
  }
  return static_cast<uint64_t>(v);
}

Result<bool> Bool(const toml::node& node, std::string_view key) {
  auto v = node.value<bool>();
  if (!node.is_boolean() || !v) {
    return Fail(Bad(key, "must be true or false", "true または false で指定してください"));
  }
  return *v;
}

// A non-negative number (integer or float) up to `hi`.
Result<double> Number(const toml::node& node, std::string_view key, double hi) {
  if (!node.is_integer() && !node.is_floating_point()) {
    return Fail(Bad(key, "must be a number", "数値で指定してください"));
  }
  const double v =
      node.is_integer() ? static_cast<double>(node.value_or<int64_t>(0)) : node.value_or(0.0);
  if (!(v >= 0 && v <= hi)) {
    const std::string range = "0〜" + std::to_string(static_cast<int64_t>(hi));
    return Fail(Bad(key, "must be from 0 to " + std::to_string(static_cast<int64_t>(hi)),
                    range + " で指定してください"));
  }
  return v;
}

Result<std::chrono::milliseconds> Seconds(const toml::node& node, std::string_view key) {
  if (!node.is_integer() && !node.is_floating_point()) {
    return Fail(Bad(key, "must be a number of seconds", "秒数で指定してください"));
  }
  const double s =
      node.is_integer() ? static_cast<double>(node.value_or<int64_t>(0)) : node.value_or(0.0);
  if (!(s > 0 && s <= 3600)) {
    return Fail(Bad(key, "must be more than 0 and at most 3600 seconds",
                    "0より大きく3600秒以下で指定してください"));
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(s * 1000)));
}

Status ParseTls(const toml::table& t, std::string_view base_dir, TlsConfig* tls) {
  for (auto&& [k, node] : t) {
    const std::string key = "tls." + std::string(k.str());
    if (k == "require_terminal_certificate") {
      MAMORI_ASSIGN_OR_RETURN(tls->require_terminal_certificate, Bool(node, key));
      continue;
    }
    std::string* slot = k == "certificate"   ? &tls->certificate
                        : k == "private_key" ? &tls->private_key
                        : k == "client_ca"   ? &tls->client_ca
                                             : nullptr;
    if (!slot) return Unknown(key);
    MAMORI_ASSIGN_OR_RETURN(std::string v, String(node, key));
    *slot = Resolve(v, base_dir);
  }
  return Status::Ok();
}

Status ParseLimits(const toml::table& t, Limits* limits) {
  for (auto&& [k, node] : t) {
    const std::string key = "limits." + std::string(k.str());
    if (k == "max_header_bytes") {
      MAMORI_ASSIGN_OR_RETURN(limits->max_header_bytes, Unsigned(node, key, 1024, 64 * 1024));
    } else if (k == "max_body_bytes") {
      MAMORI_ASSIGN_OR_RETURN(limits->max_body_bytes, Unsigned(node, key, 1, 64 * 1024 * 1024));
    } else if (k == "max_connections") {
      MAMORI_ASSIGN_OR_RETURN(limits->max_connections, Unsigned(node, key, 1, 1'000'000));
    } else if (k == "max_connections_per_address") {
      MAMORI_ASSIGN_OR_RETURN(limits->max_connections_per_address,
                              Unsigned(node, key, 1, 1'000'000));
    } else if (k == "login_per_minute") {
      MAMORI_ASSIGN_OR_RETURN(limits->login_per_minute, Number(node, key, 100'000));
    } else if (k == "login_burst") {
      MAMORI_ASSIGN_OR_RETURN(limits->login_burst, Unsigned(node, key, 1, 100'000));
    } else if (k == "password_hash_memory_mib") {
      MAMORI_ASSIGN_OR_RETURN(limits->password_hash_memory_mib, Unsigned(node, key, 1, 1 << 20));
    } else if (k == "password_hash_queue") {
      MAMORI_ASSIGN_OR_RETURN(limits->password_hash_queue, Unsigned(node, key, 0, 4096));
    } else {
      return Unknown(key);
    }
  }
  return Status::Ok();
}

Status ParseTimeouts(const toml::table& t, Timeouts* timeouts) {
  for (auto&& [k, node] : t) {
    const std::string key = "timeouts." + std::string(k.str());
    std::chrono::milliseconds* slot = k == "handshake"            ? &timeouts->handshake
                                      : k == "idle"               ? &timeouts->idle
                                      : k == "header"             ? &timeouts->header
                                      : k == "body"               ? &timeouts->body
                                      : k == "write"              ? &timeouts->write
                                      : k == "shutdown"           ? &timeouts->shutdown
                                      : k == "password_hash_wait" ? &timeouts->password_hash_wait
                                                                  : nullptr;
    if (!slot) return Unknown(key);
    MAMORI_ASSIGN_OR_RETURN(*slot, Seconds(node, key));
  }
  return Status::Ok();
}

Status ParseWitness(const toml::table& t, std::string_view base_dir, WitnessConfig* w) {
  for (auto&& [k, node] : t) {
    const std::string key = "witness." + std::string(k.str());
    if (k == "interval") {
      MAMORI_ASSIGN_OR_RETURN(uint64_t seconds, Unsigned(node, key, 1, 86'400));
      w->interval = std::chrono::milliseconds(seconds * 1000);
      continue;
    }
    std::string* slot = k == "directory"  ? &w->directory
                        : k == "syslog"   ? &w->syslog
                        : k == "https"    ? &w->https
                        : k == "https_ca" ? &w->https_ca
                                          : nullptr;
    if (!slot) return Unknown(key);
    MAMORI_ASSIGN_OR_RETURN(std::string v, String(node, key));
    // Paths are resolved; URLs are taken as they are.
    *slot = k == "directory" || k == "https_ca" ? Resolve(v, base_dir) : v;
  }
  return Status::Ok();
}

Status ParseAuditSigner(const toml::table& t, std::string_view base_dir,
                        keys::AuditSignerConfig* c) {
  for (auto&& [k, node] : t) {
    const std::string key = "audit_signer." + std::string(k.str());
    std::string* slot = k == "key_file"          ? &c->key_file
                        : k == "pkcs11_module"   ? &c->pkcs11_module
                        : k == "pkcs11_token"    ? &c->pkcs11_token
                        : k == "pkcs11_key"      ? &c->pkcs11_key
                        : k == "pkcs11_pin_file" ? &c->pkcs11_pin_file
                                                 : nullptr;
    if (!slot) return Unknown(key);
    MAMORI_ASSIGN_OR_RETURN(std::string v, String(node, key));
    const bool path = k == "key_file" || k == "pkcs11_module" || k == "pkcs11_pin_file";
    *slot = path ? Resolve(v, base_dir) : v;
  }
  return Status::Ok();
}

Status ParseTable(const toml::table& root, std::string_view base_dir, ServerConfig* config) {
  for (auto&& [k, node] : root) {
    const std::string key(k.str());
    if (key == "listen") {
      MAMORI_ASSIGN_OR_RETURN(std::string v, String(node, key));
      MAMORI_RETURN_IF_ERROR(ParseListen(v, &config->host, &config->port));
    } else if (key == "metrics_listen") {
      MAMORI_ASSIGN_OR_RETURN(std::string v, String(node, key));
      ListenAddress ops;
      MAMORI_RETURN_IF_ERROR(ParseListen(v, &ops.host, &ops.port, "metrics_listen"));
      config->metrics_listen = ops;
    } else if (key == "metrics_detail") {
      MAMORI_ASSIGN_OR_RETURN(config->metrics_detail, Bool(node, key));
    } else if (key == "threads") {
      MAMORI_ASSIGN_OR_RETURN(config->threads, Unsigned(node, key, 0, 1024));
    } else if (key == "handler_threads") {
      MAMORI_ASSIGN_OR_RETURN(config->handler_threads, Unsigned(node, key, 0, 4096));
    } else if (key == "deferred_threads") {
      MAMORI_ASSIGN_OR_RETURN(config->deferred_threads, Unsigned(node, key, 0, 4096));
    } else if (key == "log_level") {
      MAMORI_ASSIGN_OR_RETURN(std::string v, String(node, key));
      auto level = ParseLogLevel(v);
      if (!level) {
        return Bad(key, "must be debug, info, warn, error or off",
                   "debug / info / warn / error / off のいずれかです");
      }
      config->log_level = *level;
    } else if (key == "tls" || key == "limits" || key == "timeouts" || key == "witness" ||
               key == "audit_signer") {
      const toml::table* t = node.as_table();
      if (!t) return Bad(key, "must be a table", "テーブルで指定してください");
      if (key == "tls") MAMORI_RETURN_IF_ERROR(ParseTls(*t, base_dir, &config->tls));
      if (key == "limits") MAMORI_RETURN_IF_ERROR(ParseLimits(*t, &config->limits));
      if (key == "timeouts") MAMORI_RETURN_IF_ERROR(ParseTimeouts(*t, &config->timeouts));
      if (key == "witness") MAMORI_RETURN_IF_ERROR(ParseWitness(*t, base_dir, &config->witness));
      if (key == "audit_signer") {
        MAMORI_RETURN_IF_ERROR(ParseAuditSigner(*t, base_dir, &config->audit_signer));
      }
    } else {
      return Unknown(key);
    }
  }
  return Status::Ok();
}

}  // namespace

unsigned ServerConfig::IoThreads() const {
  if (threads != 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

unsigned ServerConfig::DeferredThreads() const {
  if (deferred_threads != 0) return deferred_threads;
  return 2 * IoThreads();
}

unsigned ServerConfig::HandlerThreads() const {
  if (handler_threads != 0) return handler_threads;
  return std::max(64u, 4 * IoThreads());
}

Status ParseListen(std::string_view text, std::string* host, uint16_t* port, std::string_view key) {
  const auto bad = [key] {
    return Bad(key, "must be HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443)",
               "HOST:PORT の形式で指定してください (例 127.0.0.1:8443, [::1]:8443)");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad();
  std::string_view h = text.substr(0, colon);
  const std::string_view p = text.substr(colon + 1);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return bad();
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return bad();
  }
  if (p.empty() || p.size() > 5) return bad();
  uint32_t n = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  if (n > 65535) return bad();
  *host = std::string(h);
  *port = static_cast<uint16_t>(n);
  return Status::Ok();
}

Status ValidateConfig(const ServerConfig& config) {
  if (config.tls.certificate.empty() != config.tls.private_key.empty()) {
    return Bad("tls", "certificate and private_key must be given together",
               "certificate と private_key は両方指定してください");
  }
  const Limits& l = config.limits;
  if (l.max_header_bytes < 1024 || l.max_header_bytes > 64 * 1024) {
    return Bad("limits.max_header_bytes", "must be from 1024 to 65536", "1024〜65536 です");
  }
  if (l.max_body_bytes < 1 || l.max_body_bytes > 64 * 1024 * 1024) {
    return Bad("limits.max_body_bytes", "must be from 1 to 67108864", "1〜67108864 です");
  }
  if (l.max_connections < 1)
    return Bad("limits.max_connections", "must be at least 1", "1以上です");
  const WitnessConfig& w = config.witness;
  if (w.interval < std::chrono::seconds(1) || w.interval > std::chrono::hours(24)) {
    return Bad("witness.interval", "must be from 1 to 86400 seconds",
               "1〜86400秒で指定してください");
  }
  if (!w.https.empty() && w.https_ca.empty()) {
    return Bad("witness.https_ca",
               "is required with witness.https: the CA that issued the witness's certificate",
               "witness.https には証人の証明書を発行した CA (https_ca) の指定が必要です");
  }
  if (w.https.empty() && !w.https_ca.empty()) {
    return Bad("witness.https_ca", "is given without witness.https",
               "witness.https なしで指定されています");
  }
  if (l.max_connections_per_address < 1) {
    return Bad("limits.max_connections_per_address", "must be at least 1", "1以上です");
  }
  if (!(l.login_per_minute >= 0 && l.login_per_minute <= 100'000)) {
    return Bad("limits.login_per_minute", "must be from 0 to 100000", "0〜100000 です");
  }
  if (l.login_burst < 1 || l.login_burst > 100'000) {
    return Bad("limits.login_burst", "must be from 1 to 100000", "1〜100000 です");
  }
  if (l.password_hash_memory_mib < 1 || l.password_hash_memory_mib > (1 << 20)) {
    return Bad("limits.password_hash_memory_mib", "must be from 1 to 1048576", "1〜1048576 です");
  }
  if (config.tls.require_terminal_certificate && config.tls.client_ca.empty()) {
    return Bad("tls.require_terminal_certificate",
               "needs tls.client_ca (the CA that issues the terminals' certificates)",
               "tls.client_ca (端末の証明書を発行する CA) の指定が必要です");
  }
  const Timeouts& t = config.timeouts;
  for (auto [name, v] :
       {std::pair{"handshake", t.handshake}, std::pair{"idle", t.idle},
        std::pair{"header", t.header}, std::pair{"body", t.body}, std::pair{"write", t.write},
        std::pair{"shutdown", t.shutdown}, std::pair{"password_hash_wait", t.password_hash_wait}}) {
    if (v.count() <= 0) {
      return Bad(std::string("timeouts.") + name, "must be positive", "正の値で指定してください");
    }
  }
  return Status::Ok();
}

Result<ServerConfig> ParseConfig(std::string_view text, std::string_view source,
                                 std::string_view base_dir) {
  ServerConfig config;
  try {
    const toml::table root = toml::parse(text, source);
    MAMORI_RETURN_IF_ERROR(ParseTable(root, base_dir, &config));
  } catch (const toml::parse_error& e) {
    return Fail(Status::InvalidArgument(
        "configuration " + std::string(source) + " line " + std::to_string(e.source().begin.line) +
            ": " + std::string(e.description()),
        "設定ファイル " + std::string(source) + " の " + std::to_string(e.source().begin.line) +
            " 行目が TOML として不正です",
        "config"));
  }
  MAMORI_RETURN_IF_ERROR(ValidateConfig(config));
  return config;
}

Result<ServerConfig> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Status::NotFound("cannot read configuration file " + path,
                                 "設定ファイル " + path + " を読めません", "config"));
  }
  std::stringstream text;
  text << in.rdbuf();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return ParseConfig(text.str(), path, dir.empty() ? "." : dir);
}

}  // namespace mamori::api
