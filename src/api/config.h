// The server's configuration: a TOML file (docs/ARCHITECTURE.md decision 9),
// overridden by `mamori serve` flags. Secrets never appear here — only paths
// to files that hold them — and unknown keys are refused, so a misspelt
// limit or a pasted key is an error rather than silently ignored.
//
//   listen = "127.0.0.1:8443"        # HOST:PORT, [v6]:PORT; port 0 = ephemeral
//   metrics_listen = "127.0.0.1:9443"  # unset (default): no /metrics at all; else
//                                    # its own HTTPS listener for /healthz, /readyz
//                                    # and /metrics, without client certificates
//   metrics_detail = false           # per-route counts and latencies and the audit
//                                    # log size on /metrics (they reveal activity)
//   threads = 0                      # I/O threads; 0 = hardware threads
//   handler_threads = 0              # request handlers; 0 = max(64, 4 × threads)
//   deferred_threads = 0             # audited reads' first half; 0 = 2 × threads
//   log_level = "info"               # debug | info | warn | error | off
//   [tls]
//   certificate = "server.crt"       # PEM; default DATA/tls/server.crt, generated if absent
//   private_key = "server.key"       # PEM; must be set together with certificate
//   client_ca = "clients-ca.pem"     # PEM bundle; unset = no client certificates requested
//   require_terminal_certificate = false  # true: only clients with a certificate of a
//                                    # registered, enabled terminal or service account
//                                    # complete the handshake (needs client_ca)
//   [limits]
//   max_header_bytes = 8192          # larger → 431
//   max_body_bytes = 1048576         # larger → 413
//   max_connections = 1024           # beyond → connection closed at accept
//   max_connections_per_address = 64 # per client address (IPv6: per /64) → closed at accept
//   login_per_minute = 20            # logons per client address, refilled continuously
//   login_burst = 20                 # … of which at once; beyond → 429 with Retry-After
//   password_hash_memory_mib = 256   # Argon2 memory in use at once for password checks
//   password_hash_queue = 16         # checks waiting for it; beyond → 503 with Retry-After
//   [timeouts]                       # seconds, fractions allowed
//   handshake = 5                    # TLS handshake
//   idle = 60                        # keep-alive wait for the next request
//   header = 10                      # first byte → end of header (slowloris)
//   body = 30                        # end of header → end of body
//   write = 30                       # writing one response
//   shutdown = 30                    # bound on finishing in-flight requests at shutdown
//   password_hash_wait = 5           # a password check's wait for memory → else 503
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
#include <optional>
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
  // Only designated terminals ([000 資料1 §6(2)]): the handshake demands a
  // certificate from client_ca whose fingerprint is a registered, enabled
  // terminal or service account (CertificateAdmission, auth.h).
  bool require_terminal_certificate = false;
  // The exchange listener's mode (exchange_server.h): a client certificate
  // is required and admitted by its pin alone — no CA, since each node's
  // certificate is self-signed and pinned by the connection record — through
  // a PinnedPeerAdmission (tls_context.h). Not read from the config file.
  bool pinned_peers = false;
};

struct Limits {
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  size_t max_connections = 1024;
  // One address holding every connection shut everyone else out (1,100
  // idle connections did); an office behind one NAT address still fits.
  size_t max_connections_per_address = 64;
  // Logons per client address (rate_limiter.h): a person logs on a few
  // times a day; twenty at once covers an office behind one address at
  // nine o'clock.
  double login_per_minute = 20;
  unsigned login_burst = 20;
  // Password checks (identity/hash_budget.h): four at the default 64 MiB
  // Argon2 cost at once, so a logon flood stays far below 1 GiB.
  uint64_t password_hash_memory_mib = 256;
  size_t password_hash_queue = 16;
};

struct Timeouts {
  using ms = std::chrono::milliseconds;
  ms handshake{5'000};
  ms idle{60'000};
  ms header{10'000};
  ms body{30'000};
  ms write{30'000};
  ms shutdown{30'000};
  ms password_hash_wait{5'000};
};

struct ListenAddress {
  std::string host;
  uint16_t port = 0;
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
  // The operations listener (/healthz, /readyz, /metrics), if any.
  std::optional<ListenAddress> metrics_listen;
  // Activity counts on /metrics (per-route requests and latencies, the
  // audit log's size): off by default, because the operations listener
  // asks nobody for credentials.
  bool metrics_detail = false;
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
  // The web console's built files, served at /console/ (console_assets.h);
  // empty: no console. `mamori serve --console-dir`, by default the
  // "console" directory beside the mamori binary.
  std::string console_dir;

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

// "host:port", "[v6addr]:port". kInvalidArgument naming `key`.
Status ParseListen(std::string_view text, std::string* host, uint16_t* port,
                   std::string_view key = "listen");

// Range checks shared by the file and the flags; also requires certificate
// and private_key to be both set or both empty, https_ca with https, and
// client_ca when require_terminal_certificate is set.
Status ValidateConfig(const ServerConfig& config);

}  // namespace mamori::api
