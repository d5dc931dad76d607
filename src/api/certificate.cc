#include "api/certificate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace mamori::api {
namespace {

constexpr long kValidityDays = 825;  // the CA/Browser Forum's former maximum

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

Status OpenSslError(std::string_view what) {
  return Status::Internal("OpenSSL failed to " + std::string(what),
                          "OpenSSL の処理に失敗しました: " + std::string(what), "tls");
}

bool IsIp(const std::string& name) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, name.c_str(), buf) == 1 ||
         ::inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// Names that cannot break the "DNS:a,IP:b" syntax of the extension value.
bool IsSafeName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

std::string SubjectAltNames(const std::vector<std::string>& extra) {
  std::vector<std::string> names = {"localhost", "127.0.0.1", "::1"};
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) == 0) names.emplace_back(host);
  names.insert(names.end(), extra.begin(), extra.end());
  std::string out;
  std::vector<std::string> seen;
  for (const auto& n : names) {
    if (!IsSafeName(n) || n == "0.0.0.0" || n == "::") continue;
    if (std::find(seen.begin(), seen.end(), n) != seen.end()) continue;
    seen.push_back(n);
    if (!out.empty()) out += ',';
    out += (IsIp(n) ? "IP:" : "DNS:") + n;
  }
  return out;
}

Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError("add an extension");
  return Status::Ok();
}

Result<X509Ptr> MakeCertificate(EVP_PKEY* key, const std::vector<std::string>& extra) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1)
    return Fail(OpenSslError("create a certificate"));
  MAMORI_ASSIGN_OR_RETURN(std::string serial_bytes, crypto::RandomBytes(16));
  serial_bytes[0] = static_cast<char>(serial_bytes[0] & 0x7f);  // positive, as RFC 5280 asks
  BnPtr serial(BN_bin2bn(reinterpret_cast<const unsigned char*>(serial_bytes.data()),
                         static_cast<int>(serial_bytes.size()), nullptr));
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    return Fail(OpenSslError("set the serial number"));
  }
  // An hour of slack for clients whose clocks run behind.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidityDays * 86400L)) {
    return Fail(OpenSslError("set the validity"));
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto cn = reinterpret_cast<const unsigned char*>("mamori server (self-signed)");
  const auto org = reinterpret_cast<const unsigned char*>("mamori");
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, org, -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
    return Fail(OpenSslError("set the names"));
  }
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature"));
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth"));
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_alt_name, SubjectAltNames(extra)));
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) return Fail(OpenSslError("sign"));
  return cert;
}

Result<std::string> ToPem(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) return Fail(OpenSslError("encode PEM"));
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

// Writes `bytes` to a fresh temporary file in path's directory, created
// with `mode` (so a key is never readable by others, even for a moment) and
// fsynced, then links it to path without replacing anything: kAlreadyExists
// when path exists. The temporary name is unique, so concurrent writers
// never write into, or remove, each other's files.
Status LinkNewFile(const std::string& path, const std::string& bytes, mode_t mode) {
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // 0600, O_EXCL
  if (fd < 0) {
    return Status::IoError("cannot create a file beside " + path,
                           "ファイルを作成できません: " + path, "tls");
  }
  size_t off = 0;
  bool ok = ::fchmod(fd, mode) == 0;
  while (ok && off < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    ok = n > 0;
    if (ok) off += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  const int linked = ok ? ::link(tmp.c_str(), path.c_str()) : -1;
  const int link_errno = errno;
  ::unlink(tmp.c_str());
  if (ok && linked != 0 && link_errno == EEXIST) {
    return Status::AlreadyExists(path + " was created by another process meanwhile",
                                 path + " は別のプロセスが作成しました", "tls");
  }
  if (!ok || linked != 0) {
    return Status::IoError("cannot write " + path, "ファイルを書き込めません: " + path, "tls");
  }
  return Status::Ok();
}

// An exclusive lock on DIR/.generate.lock while it lives: servers starting
// together on one data directory generate one certificate, and the others
// read it. flock is released by the kernel when the process ends, so a
// server killed mid-generation leaves no stale lock.
class GenerateLock {
 public:
  static Result<GenerateLock> Take(const std::string& dir) {
    const std::string path = dir + "/.generate.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return Fail(Status::IoError("cannot open " + path, "ファイルを開けません: " + path, "tls"));
    }
    int rc;
    do {
      rc = ::flock(fd, LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      ::close(fd);
      return Fail(Status::IoError("cannot lock " + path, "ロックできません: " + path, "tls"));
    }
    return GenerateLock(fd);
  }
  GenerateLock(GenerateLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  GenerateLock& operator=(GenerateLock&&) = delete;
  ~GenerateLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }

 private:
  explicit GenerateLock(int fd) : fd_(fd) {}
  int fd_;
};

Result<CertificateInfo> Describe(X509* cert) {
  CertificateInfo info;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, EVP_sha256(), md, &len) != 1) return Fail(OpenSslError("hash"));
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned i = 0; i < len; ++i) {
    if (i) info.sha256_fingerprint += ':';
    info.sha256_fingerprint += kHex[md[i] >> 4];
    info.sha256_fingerprint += kHex[md[i] & 15];
  }
  unsigned char* spki = nullptr;
  const int spki_len = i2d_PUBKEY(X509_get0_pubkey(cert), &spki);
  if (spki_len <= 0) return Fail(OpenSslError("encode the public key"));
  const crypto::Digest pin = crypto::Sha256(
      std::string_view(reinterpret_cast<char*>(spki), static_cast<size_t>(spki_len)));
  OPENSSL_free(spki);
  info.public_key_pin = "sha256//" + Base64Encode(crypto::DigestView(pin));
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    info.not_after = buf;
  }
  return info;
}

}  // namespace

Result<CertificateInfo> DescribeCertificate(const std::string& certificate_path) {
  BioPtr bio(BIO_new_file(certificate_path.c_str(), "r"));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    return Fail(Status::InvalidArgument("cannot read a PEM certificate from " + certificate_path,
                                        "PEM 証明書を読めません: " + certificate_path, "tls"));
  }
  MAMORI_ASSIGN_OR_RETURN(CertificateInfo info, Describe(cert.get()));
  info.certificate_path = certificate_path;
  return info;
}

namespace {

// The pair in dir when both files exist; nullopt when neither does, or only
// the key (a generation that stopped before its last step: the certificate
// is linked into place last); kFailedPrecondition for a certificate
// without its key.
Result<std::optional<CertificateInfo>> ExistingPair(const std::string& cert_path,
                                                    const std::string& key_path) {
  std::error_code ec;
  const bool have_cert = std::filesystem::exists(cert_path, ec);
  const bool have_key = std::filesystem::exists(key_path, ec);
  if (have_cert && have_key) {
    MAMORI_ASSIGN_OR_RETURN(CertificateInfo info, DescribeCertificate(cert_path));
    info.private_key_path = key_path;
    return std::optional<CertificateInfo>(std::move(info));
  }
  if (have_cert) {
    return Fail(Status::FailedPrecondition(
        cert_path + " exists without its key " + key_path + "; restore the key or remove both",
        "証明書 " + cert_path + " に対応する秘密鍵 " + key_path + " がありません", "tls"));
  }
  return std::optional<CertificateInfo>();
}

}  // namespace

Result<CertificateInfo> EnsureServerCertificate(const std::string& dir,
                                                const std::vector<std::string>& extra_names) {
  const std::string cert_path = dir + "/server.crt";
  const std::string key_path = dir + "/server.key";
  MAMORI_ASSIGN_OR_RETURN(std::optional<CertificateInfo> existing,
                          ExistingPair(cert_path, key_path));
  if (existing) return std::move(*existing);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail(
        Status::IoError("cannot create " + dir, "ディレクトリを作成できません: " + dir, "tls"));
  }
  MAMORI_ASSIGN_OR_RETURN(GenerateLock lock, GenerateLock::Take(dir));
  // Another server may have generated the pair while this one waited.
  MAMORI_ASSIGN_OR_RETURN(existing, ExistingPair(cert_path, key_path));
  if (existing) return std::move(*existing);
  // A key left by a generation that stopped: nobody else is generating now.
  if (::unlink(key_path.c_str()) != 0 && errno != ENOENT) {
    return Fail(Status::IoError("cannot remove the unfinished " + key_path,
                                "途中で残った秘密鍵を削除できません: " + key_path, "tls"));
  }
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Fail(OpenSslError("generate an ECDSA P-256 key"));
  MAMORI_ASSIGN_OR_RETURN(X509Ptr cert, MakeCertificate(key.get(), extra_names));
  MAMORI_ASSIGN_OR_RETURN(std::string key_pem, ToPem([&](BIO* b) {
                            return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0,
                                                            nullptr, nullptr);
                          }));
  MAMORI_ASSIGN_OR_RETURN(std::string cert_pem,
                          ToPem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }));
  Status s = LinkNewFile(key_path, key_pem, 0600);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  MAMORI_RETURN_IF_ERROR(s);
  MAMORI_RETURN_IF_ERROR(LinkNewFile(cert_path, cert_pem, 0644));
  MAMORI_ASSIGN_OR_RETURN(CertificateInfo info, Describe(cert.get()));
  info.certificate_path = cert_path;
  info.private_key_path = key_path;
  info.created = true;
  return info;
}

}  // namespace mamori::api
