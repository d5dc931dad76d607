#include "exchange/node_identity.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/random.h"

namespace mamori::exchange {

namespace {

template <auto Free>
struct Del {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using X509Ptr = std::unique_ptr<X509, Del<&X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Del<&EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Del<&BIO_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Del<&BN_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Del<&X509_EXTENSION_free>>;

constexpr long kValidityDays = 825;

Status OpenSslFailed(std::string_view what) {
  ERR_clear_error();
  return Status::Internal("OpenSSL failed to " + std::string(what),
                          "OpenSSL の処理に失敗しました: " + std::string(what), "certificate");
}

Status BadCertificate() {
  ERR_clear_error();
  return Status::InvalidArgument(
      "the peer certificate is not one PEM or DER certificate with an EC P-256 key",
      "相手方の証明書が EC P-256 鍵の PEM または DER 証明書 1 通ではありません", "certificate");
}

Status AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslFailed("add an extension");
  return Status::Ok();
}

Result<std::string> Pem(int (*write)(BIO*, void*), void* what) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get(), what) != 1) return Fail(OpenSslFailed("encode PEM"));
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(
        Status::IoError("cannot read " + path, "ファイルを読み込めません: " + path, "file"));
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Written through a temporary file created with `mode`, fsynced, renamed.
Status WriteFile(const std::string& path, std::string_view bytes, mode_t mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return Status::IoError("cannot create " + tmp, "ファイルを作成できません: " + tmp, "file");
  }
  size_t done = 0;
  bool ok = true;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::IoError("cannot write " + path, "ファイルを書き込めません: " + path, "file");
  }
  return Status::Ok();
}

std::string SafeHosts(const std::vector<std::string>& hosts) {
  std::string out = "DNS:localhost,IP:127.0.0.1,IP:::1";
  for (const auto& h : hosts) {
    bool ip = !h.empty();
    bool safe = !h.empty() && h.size() <= 253;
    for (char c : h) {
      const bool digit = c >= '0' && c <= '9';
      safe = safe && (digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
                      c == '-' || c == ':');
      ip = ip && (digit || c == '.' || c == ':');
    }
    if (!safe || h == "localhost" || h == "127.0.0.1" || h == "::1") continue;
    out += (ip ? ",IP:" : ",DNS:") + h;
  }
  return out;
}

Result<NodeIdentity> Describe(const std::string& dir, const std::string& name) {
  NodeIdentity id;
  id.name = name;
  id.certificate_path = dir + "/node.crt";
  id.private_key_path = dir + "/node.key";
  MAMORI_ASSIGN_OR_RETURN(id.certificate_pem, ReadFile(id.certificate_path));
  MAMORI_ASSIGN_OR_RETURN(PeerCertificate parsed, ParsePeerCertificate(id.certificate_pem));
  id.certificate_sha256 = parsed.certificate_sha256;
  id.public_key_pin = parsed.public_key_pin;
  return id;
}

}  // namespace

bool IsIdentifier(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

Result<NodeIdentity> EnsureNodeIdentity(const std::string& dir, const std::string& name,
                                        const std::vector<std::string>& hosts) {
  if (!IsIdentifier(name)) {
    return Fail(Status::InvalidArgument("the node name must be [a-z0-9_-], 1 to 64 characters",
                                        "ノード名は英小文字・数字・_・- の 1〜64 文字です",
                                        "node"));
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  const bool has_cert = std::filesystem::exists(dir + "/node.crt");
  const bool has_key = std::filesystem::exists(dir + "/node.key");
  if (has_cert && has_key) return Describe(dir, name);
  if (has_cert != has_key) {
    return Fail(Status::FailedPrecondition(
        "only one of node.crt and node.key exists in " + dir + "; restore the other",
        dir + " には node.crt と node.key の片方しかありません", "node"));
  }
  ERR_clear_error();
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Fail(OpenSslFailed("generate the node key"));
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) {
    return Fail(OpenSslFailed("create a certificate"));
  }
  MAMORI_ASSIGN_OR_RETURN(std::string serial_bytes, crypto::RandomBytes(16));
  serial_bytes[0] = static_cast<char>(serial_bytes[0] & 0x7f);
  BnPtr serial(BN_bin2bn(reinterpret_cast<const unsigned char*>(serial_bytes.data()),
                         static_cast<int>(serial_bytes.size()), nullptr));
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
    return Fail(OpenSslFailed("set the serial number"));
  }
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidityDays * 86400L)) {
    return Fail(OpenSslFailed("set the validity"));
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const std::string cn = "mamori exchange node " + name;
  if (X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("mamori"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), subject) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return Fail(OpenSslFailed("set the names"));
  }
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  MAMORI_RETURN_IF_ERROR(
      AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyAgreement"));
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth"));
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_key_identifier, "hash"));
  MAMORI_RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_alt_name, SafeHosts(hosts)));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) return Fail(OpenSslFailed("sign"));

  MAMORI_ASSIGN_OR_RETURN(std::string key_pem, Pem(
                                                   [](BIO* b, void* k) {
                                                     return PEM_write_bio_PrivateKey(
                                                         b, static_cast<EVP_PKEY*>(k), nullptr,
                                                         nullptr, 0, nullptr, nullptr);
                                                   },
                                                   key.get()));
  crypto::SecretBytes key_secret(key_pem);
  crypto::WipeString(key_pem);
  MAMORI_ASSIGN_OR_RETURN(
      std::string cert_pem,
      Pem([](BIO* b, void* c) { return PEM_write_bio_X509(b, static_cast<X509*>(c)); },
          cert.get()));
  MAMORI_RETURN_IF_ERROR(WriteFile(dir + "/node.key", key_secret.view(), 0600));
  MAMORI_RETURN_IF_ERROR(WriteFile(dir + "/node.crt", cert_pem, 0644));
  return Describe(dir, name);
}

Result<PeerCertificate> ParsePeerCertificate(std::string_view pem_or_der) {
  if (pem_or_der.empty() || pem_or_der.size() > 64 * 1024) return Fail(BadCertificate());
  ERR_clear_error();
  X509Ptr cert;
  if (pem_or_der.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(pem_or_der.data(), static_cast<int>(pem_or_der.size())));
    if (!bio) return Fail(BadCertificate());
    cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (cert) {
      // Exactly one.
      X509Ptr more(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
      if (more) return Fail(BadCertificate());
    }
  } else {
    const auto* p = reinterpret_cast<const unsigned char*>(pem_or_der.data());
    cert.reset(d2i_X509(nullptr, &p, static_cast<long>(pem_or_der.size())));
    if (cert &&
        p != reinterpret_cast<const unsigned char*>(pem_or_der.data()) + pem_or_der.size()) {
      return Fail(BadCertificate());
    }
  }
  if (!cert) return Fail(BadCertificate());
  EVP_PKEY* pub = X509_get0_pubkey(cert.get());
  if (pub == nullptr || !EVP_PKEY_is_a(pub, "EC")) return Fail(BadCertificate());
  char group[64] = {0};
  size_t group_len = 0;
  if (EVP_PKEY_get_group_name(pub, group, sizeof group, &group_len) != 1 ||
      std::string_view(group, group_len) != "prime256v1") {
    return Fail(BadCertificate());
  }
  PeerCertificate out;
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(cert.get(), &der);
  if (der_len <= 0) return Fail(BadCertificate());
  out.der.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);
  unsigned char* spki = nullptr;
  const int spki_len = i2d_PUBKEY(pub, &spki);
  if (spki_len <= 0) return Fail(BadCertificate());
  out.spki_der.assign(reinterpret_cast<const char*>(spki), static_cast<size_t>(spki_len));
  OPENSSL_free(spki);
  std::tm end{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &end) != 1) return Fail(BadCertificate());
  out.not_after = static_cast<TimeMicros>(timegm(&end)) * kMicrosPerSecond;
  out.certificate_sha256 = "sha256:" + HexEncode(crypto::DigestView(crypto::Sha256(out.der)));
  out.public_key_pin = "sha256//" + Base64Encode(crypto::DigestView(crypto::Sha256(out.spki_der)));
  return out;
}

bool IsPin(std::string_view pin) {
  if (pin.starts_with("sha256:") && !pin.starts_with("sha256//")) {
    const std::string_view hex = pin.substr(7);
    if (hex.size() != 64) return false;
    for (char c : hex) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }
  if (pin.starts_with("sha256//")) {
    auto raw = Base64Decode(pin.substr(8));
    return raw && raw->size() == 32;
  }
  return false;
}

bool PinMatches(std::string_view pin, const PeerCertificate& presented) {
  if (!IsPin(pin)) return false;
  const std::string& mine =
      pin.starts_with("sha256//") ? presented.public_key_pin : presented.certificate_sha256;
  return crypto::ConstantTimeEquals(pin, mine);
}

Result<crypto::SecretBytes> ReadPrivateKeyPem(const std::string& path) {
  MAMORI_ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  crypto::SecretBytes out(pem);
  crypto::WipeString(pem);
  return out;
}

}  // namespace mamori::exchange
