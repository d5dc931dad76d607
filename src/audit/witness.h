// Witnesses: places outside the data store where signed tree heads are
// written as the log grows (docs/ARCHITECTURE.md decision 13), in the shape
// of HashiCorp Vault's audit devices — one interface, several real kinds:
//
//   directory  an append-only file of signed heads (JSON Lines) in a
//              directory that is not the data directory, by default on
//              another volume; the one kind the server can read back, so it
//              is what `mamori serve` checks the store against at start
//   syslog     an RFC 5424 message carrying the signed head's JSON, to a
//              syslog server over TCP (RFC 6587 octet counting) or UDP
//   https      a POST of the signed head's JSON to a URL, the server's
//              certificate verified against a configured CA
//
// Whoever can rewrite the data store must not be able to rewrite the
// witness: a directory on another volume (mounted append-only, or backed up
// on its own schedule), a log host run by other people, a service of the
// auditors. Record is called only once the head is durable in the store, so
// a crash between the two leaves the witness behind the store, never ahead.
// Heads are not secret (hashes and a signature) and hold no personal data.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "audit/head.h"
#include "core/status.h"

namespace mamori::audit {

class Witness {
 public:
  virtual ~Witness() = default;
  // Writes `sth` to the witness. OK once it is durable there (directory:
  // fsynced), handed to the server (syslog over TCP: written and the
  // connection closed cleanly; UDP: sent) or accepted by it (HTTPS: a 2xx
  // answer). Errors name the witness, never the head's bytes.
  virtual Status Record(const SignedTreeHead& sth) = 0;
  // Whether Latest can answer: only a witness that keeps what it was given
  // where this process can read it (the directory).
  virtual bool CanReadBack() const = 0;
  // The head written last; nullopt when none was written yet or the witness
  // cannot be read back. kDataLoss when the last complete entry is not a
  // signed head (a torn last line left by a crash is skipped).
  virtual Result<std::optional<SignedTreeHead>> Latest() = 0;
  // "directory:/path", "syslog:tcp://host:514", "https://host/path".
  virtual std::string Describe() const = 0;
};

// The file a directory witness appends to.
inline constexpr char kWitnessFileName[] = "heads.jsonl";

// A directory witness at `dir`, created (mode 0700) when absent. Refuses
// (kInvalidArgument) a directory that is `data_dir` or inside it: a witness
// the store's owner rewrites with the store witnesses nothing. When `dir` is
// on the same filesystem as `data_dir` (same st_dev) it is accepted and
// *warning gets a sentence (English / Japanese) saying so, for the log.
// The file is opened for each Record: O_APPEND, mode 0600, fsynced (and its
// directory, when the file is new).
Result<std::unique_ptr<Witness>> OpenDirectoryWitness(const std::string& dir,
                                                      const std::string& data_dir,
                                                      std::string* warning);

struct SyslogWitnessOptions {
  // "tcp://HOST:PORT" or "udp://HOST:PORT" ([v6]:PORT for IPv6 literals).
  std::string url;
  std::string app_name = "mamori";
  // HOSTNAME field; empty: gethostname().
  std::string hostname;
  std::chrono::milliseconds timeout{5000};  // connect and send
};
// Facility 13 (log audit), severity 6 (informational): PRI <110>. MSGID
// "sth", no structured data, MSG the signed head's JSON (SignedHeadJson).
// kInvalidArgument for a malformed URL; nothing is contacted until Record.
Result<std::unique_ptr<Witness>> OpenSyslogWitness(const SyslogWitnessOptions& options);
// The message as it is sent (without TCP framing), for tests and for
// operators writing a filter for it.
std::string SyslogMessage(const SignedTreeHead& sth, std::string_view hostname,
                          std::string_view app_name, TimeMicros now);

struct HttpsWitnessOptions {
  std::string url;      // "https://HOST[:PORT]/PATH"
  std::string ca_file;  // PEM bundle the server's certificate must chain to (required)
  std::chrono::milliseconds timeout{10000};
};
// POST <path> with Content-Type application/json and the signed head's JSON
// as the body; a 2xx status is success. TLS 1.2 (ECDHE + AES-GCM) or 1.3,
// the certificate verified against ca_file and the URL's host name.
// kInvalidArgument for a malformed URL or an unreadable CA file.
Result<std::unique_ptr<Witness>> OpenHttpsWitness(const HttpsWitnessOptions& options);

}  // namespace mamori::audit
