// A small real PKI for tests, made with the openssl command: a CA, and
// recipient certificates it signs (EC P-256 or RSA), so that what mamori
// encrypts is opened by `openssl cms -decrypt`, a separate real process.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace mamori::testing {

// Runs `script` with sh in `dir`; true on exit status 0. Output is discarded.
inline bool RunIn(const std::string& dir, const std::string& script) {
  const std::string cmd = "cd '" + dir + "' && (" + script + ") >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

// Exit status and stdout of a command.
inline int RunCapture(const std::string& cmd, std::string* out) {
  FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  out->clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
  const int rc = ::pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// In `dir`: ca.key/ca.crt, then per MakeRecipient NAME.key/NAME.crt.
class TestPki {
 public:
  explicit TestPki(std::string dir) : dir_(std::move(dir)) {
    ok_ = RunIn(dir_,
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                "-keyout ca.key -out ca.crt -subj '/CN=mamori test CA' -days 30");
  }
  bool ok() const { return ok_; }
  const std::string& dir() const { return dir_; }

  // key: "ec" (P-256), "rsa" (3072), "rsa1024", "p384"; ext: its x509v3
  // extensions; valid from now for `days`.
  bool MakeRecipient(const std::string& name, const std::string& key = "ec",
                     const std::string& ext = "keyUsage=critical,keyAgreement,keyEncipherment",
                     int days = 30) {
    std::string newkey = "-newkey ec -pkeyopt ec_paramgen_curve:P-256";
    if (key == "rsa") newkey = "-newkey rsa:3072";
    if (key == "rsa1024") newkey = "-newkey rsa:1024";
    if (key == "p384") newkey = "-newkey ec -pkeyopt ec_paramgen_curve:P-384";
    const std::string validity = "-days " + std::to_string(days);
    return RunIn(dir_, "printf '%s\\n' '" + ext + "' > " + name + ".ext && openssl req " + newkey +
                           " -nodes -keyout " + name + ".key -out " + name +
                           ".csr -subj '/CN=" + name + "' && openssl x509 -req -in " + name +
                           ".csr -CA ca.crt -CAkey ca.key -CAcreateserial -out " + name + ".crt " +
                           validity + " -extfile " + name + ".ext");
  }
  std::string Cert(const std::string& name) const { return ReadAll(dir_ + "/" + name + ".crt"); }

  // Decrypts `file` with the openssl command and the recipient's key into
  // `plain`; the command's exit status.
  int Decrypt(const std::string& name, const std::string& file, const std::string& plain) const {
    const std::string cmd = "openssl cms -decrypt -binary -inform DER -in '" + file + "' -inkey '" +
                            dir_ + "/" + name + ".key' -recip '" + dir_ + "/" + name +
                            ".crt' -out '" + plain + "' >/dev/null 2>&1";
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

 private:
  std::string dir_;
  bool ok_ = false;
};

}  // namespace mamori::testing
