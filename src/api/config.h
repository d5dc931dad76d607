// The server's configuration: a TOML file (DESIGN.md decision 9), overridden
// by `mamori serve` flags. Secrets never appear here — only paths to files
// that hold them — and unknown keys are refused, so a misspelt limit or a
// pasted key is an error rather than silently ignored.
//
//   listen = "127.0.0.1:8443"        # HOST:PORT, [v6]:PORT; port 0 = ephemeral
//   threads = 0                      # I/O threads; 0 = hardware threads
//   handler_threads = 0              # request handlers; 0 = max(64, 4 × threads)
//   deferred_threads = 0             # audited reads' first half; 0 = 2 × threads
//   log_level = "info"               # debug | info | warn | error | off
//   [tls]
//   certificate = "server.crt"       # PEM; default DATA/tls/server.crt, generated if absent
//   private_key = "server.key"       # PEM; must be set together with certificate
//   client_ca = "clients-ca.pem"     # PEM bundle; unset = no client certificates requested
//   [limits]
//   max_header_bytes = 8192          # larger → 431
//   max_body_bytes = 1048576         # larger → 413
//   max_connections = 1024           # beyond → connection closed at accept
//   [timeouts]                       # seconds, fractions allowed
//   handshake = 10                   # TLS handshake
//   idle = 60                        # keep-alive wait for the next request
//   header = 10                      # first byte → end of header (slowloris)
//   body = 30                        # end of header → end of body
//   write = 30                       # writing one response
//   shutdown = 30                    # bound on finishing in-flight requests at shutdown
//   [witness]                        # signed heads written outside the store (audit/witness.h)
//   interval = 60                    # seconds between heads (only when the log grew); 1..86400
//   directory = "/mnt/witness/mamori" # default: "<data directory>.witness"; never inside the data
//   syslog = "tcp://loghost:514"     # or udp://HOST:PORT; unset = none
//   https = "https://witness.example/v1/heads"  # unset = none
//   https_ca = "witness-ca.pem"      # required with https
//   [audit_signer]                   # the audit signing key held apart (keys/audit_signer.h)
//   key_file = "/mnt/hsm/audit.key"  # a 0600 PEM key file, or the four pkcs11_* below
//   pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so"
//   pkcs11_token = "mamori-audit"
//   pkcs11_key = "mamori-audit"
//   pkcs11_pin_file = "/etc/mamori/audit.pin"  # the PIN, mode 0600
//
// Relative paths in a file are resolved against the file's directory.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/logger.h"
#include "core/status.h"
#include "keys/audit_signer.h"

namespace mamori::api {

struct TlsConfig {
  std::string certificate;  // PEM certificate chain file
  std::string private_key;  // PEM private key file (mode 0600 advised)
  std::string client_ca;    // PEM CA bundle that client certificates must chain to
};

struct Limits {
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  size_t max_connections = 1024;
};

struct Timeouts {
  using ms = std::chrono::milliseconds;
  ms handshake{10'000};
  ms idle{60'000};
  ms header{10'000};
  ms body{30'000};
  ms write{30'000};
  ms shutdown{30'000};
};

struct WitnessConfig {
  std::chrono::milliseconds interval{60'000};
  // A directory witness: on another volume. Empty: "<data directory>.witness".
  std::string directory;
  std::string syslog;    // "tcp://HOST:PORT" or "udp://HOST:PORT"; empty: none
  std::string https;     // "https://HOST[:PORT]/PATH"; empty: none
  std::string https_ca;  // PEM CA bundle for https
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8443;
  unsigned threads = 0;
  // Handlers block while the engine commits; concurrent ones share a commit
  // (group commit), so more handlers than cores is what makes writes fast.
  unsigned handler_threads = 0;
  // Deferred routes (an audited read of one record) hold a thread only
  // until their audit event is queued, so a few threads kept busy serve
  // them; handing each to one of the many idle handler threads cost a
  // wake-up per request (docs/PERFORMANCE.md).
  unsigned deferred_threads = 0;
  LogLevel log_level = LogLevel::kInfo;
  TlsConfig tls;
  Limits limits;
  Timeouts timeouts;
  WitnessConfig witness;
  keys::AuditSignerConfig audit_signer;  // empty: the key store's key

  // threads, with 0 replaced by the hardware thread count (at least 1).
  unsigned IoThreads() const;
  // Handlers block while the engine commits their audit event; more of them
  // than cores lets concurrent requests share one group commit.
  unsigned HandlerThreads() const;
  // deferred_threads, with 0 replaced by 2 × IoThreads().
  unsigned DeferredThreads() const;
};

// Parses TOML text; `source` names it in errors. Strict: unknown keys, wrong
// types and out-of-range values are kInvalidArgument naming the key.
Result<ServerConfig> ParseConfig(std::string_view toml, std::string_view source,
                                 std::string_view base_dir = {});
// Reads and parses a file (kNotFound when missing).
Result<ServerConfig> LoadConfigFile(const std::string& path);

// "host:port", "[v6addr]:port". kInvalidArgument naming "listen".
Status ParseListen(std::string_view text, std::string* host, uint16_t* port);

// Range checks shared by the file and the flags; also requires certificate
// and private_key to be both set or both empty, and https_ca with https.
Status ValidateConfig(const ServerConfig& config);

}  // namespace mamori::api
