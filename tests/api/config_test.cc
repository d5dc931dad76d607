// TOML configuration and the generated server certificate.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "api/certificate.h"
#include "api/config.h"
#include "testing/temp_dir.h"

namespace mamori::api {
namespace {

TEST(ConfigTest, ParsesEveryKey) {
  auto c = ParseConfig(R"(
listen = "[::1]:9443"
metrics_listen = "127.0.0.1:9444"
metrics_detail = true
threads = 3
handler_threads = 12
deferred_threads = 5
log_level = "warn"
[tls]
certificate = "server.crt"
private_key = "/abs/server.key"
client_ca = "ca.pem"
require_terminal_certificate = true
[limits]
max_header_bytes = 4096
max_body_bytes = 2048
max_connections = 10
max_connections_per_address = 3
login_per_minute = 2.5
login_burst = 4
password_hash_memory_mib = 128
password_hash_queue = 0
[timeouts]
handshake = 1
password_hash_wait = 0.5
idle = 2.5
header = 0.25
body = 4
write = 5
shutdown = 6
)",
                       "test.toml", "/etc/mamori");
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 9443);
  EXPECT_EQ(c->IoThreads(), 3u);
  EXPECT_EQ(c->HandlerThreads(), 12u);
  EXPECT_EQ(c->DeferredThreads(), 5u);
  EXPECT_EQ(c->log_level, LogLevel::kWarn);
  EXPECT_EQ(c->tls.certificate, "/etc/mamori/server.crt");
  EXPECT_EQ(c->tls.private_key, "/abs/server.key");
  EXPECT_EQ(c->tls.client_ca, "/etc/mamori/ca.pem");
  EXPECT_EQ(c->limits.max_header_bytes, 4096u);
  EXPECT_EQ(c->limits.max_body_bytes, 2048u);
  EXPECT_EQ(c->limits.max_connections, 10u);
  EXPECT_EQ(c->timeouts.idle.count(), 2500);
  EXPECT_EQ(c->timeouts.header.count(), 250);
  EXPECT_EQ(c->timeouts.shutdown.count(), 6000);
  ASSERT_TRUE(c->metrics_listen.has_value());
  EXPECT_EQ(c->metrics_listen->host, "127.0.0.1");
  EXPECT_EQ(c->metrics_listen->port, 9444);
  EXPECT_TRUE(c->metrics_detail);
  EXPECT_TRUE(c->tls.require_terminal_certificate);
  EXPECT_EQ(c->limits.max_connections_per_address, 3u);
  EXPECT_EQ(c->limits.login_per_minute, 2.5);
  EXPECT_EQ(c->limits.login_burst, 4u);
  EXPECT_EQ(c->limits.password_hash_memory_mib, 128u);
  EXPECT_EQ(c->limits.password_hash_queue, 0u);
  EXPECT_EQ(c->timeouts.password_hash_wait.count(), 500);
}

TEST(ConfigTest, DefaultsWhenEmpty) {
  auto c = ParseConfig("", "empty");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->limits.max_header_bytes, 8192u);
  EXPECT_EQ(c->limits.max_body_bytes, 1048576u);
  EXPECT_GE(c->HandlerThreads(), 8u);
  EXPECT_EQ(c->DeferredThreads(), 2 * c->IoThreads());
}

TEST(ConfigTest, RefusesUnknownKeysSecretsAndBadValues) {
  struct Case {
    const char* toml;
    const char* subject;
  };
  for (const Case& c :
       {Case{"password = \"hunter2\"", "password"},
        Case{"[tls]\nprivate_key_pem = \"-----BEGIN\"", "tls.private_key_pem"},
        Case{"[limits]\nmax_header_bytes = 10", "limits.max_header_bytes"},
        Case{"[limits]\nmax_body_bytes = -1", "limits.max_body_bytes"},
        Case{"[timeouts]\nheader = 0", "timeouts.header"},
        Case{"[timeouts]\nheader = \"10s\"", "timeouts.header"},
        Case{"listen = \"localhost\"", "listen"},
        Case{"listen = \"1.2.3.4:70000\"", "listen"},
        Case{"log_level = \"loud\"", "log_level"},
        Case{"tls = 1", "tls"},
        Case{"[tls]\ncertificate = \"a.crt\"", "tls"},
        Case{"listen = ", "config"},
        Case{"metrics_listen = \"nowhere\"", "metrics_listen"},
        Case{"metrics_detail = 1", "metrics_detail"},
        Case{"[tls]\nrequire_terminal_certificate = true", "tls.require_terminal_certificate"},
        Case{"[limits]\nmax_connections_per_address = 0", "limits.max_connections_per_address"},
        Case{"[limits]\nlogin_per_minute = -1", "limits.login_per_minute"},
        Case{"[limits]\nlogin_burst = 0", "limits.login_burst"},
        Case{"[limits]\npassword_hash_memory_mib = 0", "limits.password_hash_memory_mib"},
        Case{"[limits]\npassword_hash_queue = 5000", "limits.password_hash_queue"},
        Case{"[timeouts]\npassword_hash_wait = 0", "timeouts.password_hash_wait"}}) {
    auto parsed = ParseConfig(c.toml, "t.toml");
    ASSERT_FALSE(parsed.has_value()) << c.toml;
    EXPECT_EQ(parsed.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(parsed.error().subject(), c.subject) << parsed.error().ToString();
    // The message never repeats a value that might be a secret.
    EXPECT_EQ(parsed.error().message().find("hunter2"), std::string::npos);
  }
  EXPECT_EQ(LoadConfigFile("/nonexistent/mamori.toml").error().code(), Code::kNotFound);
}

TEST(ConfigTest, WitnessAndAuditSignerSections) {
  auto c = ParseConfig(R"(
[witness]
interval = 30
directory = "../witness"
syslog = "udp://loghost:514"
https = "https://witness.example/v1/heads"
https_ca = "witness-ca.pem"
[audit_signer]
pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so"
pkcs11_token = "mamori-audit"
pkcs11_key = "audit"
pkcs11_pin_file = "audit.pin"
)",
                       "test.toml", "/etc/mamori");
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->witness.interval.count(), 30'000);
  EXPECT_EQ(c->witness.directory, "/etc/mamori/../witness");
  EXPECT_EQ(c->witness.syslog, "udp://loghost:514");
  EXPECT_EQ(c->witness.https, "https://witness.example/v1/heads");
  EXPECT_EQ(c->witness.https_ca, "/etc/mamori/witness-ca.pem");
  EXPECT_EQ(c->audit_signer.pkcs11_module, "/usr/lib/softhsm/libsofthsm2.so");
  EXPECT_EQ(c->audit_signer.pkcs11_token, "mamori-audit");
  EXPECT_EQ(c->audit_signer.pkcs11_pin_file, "/etc/mamori/audit.pin");
  EXPECT_TRUE(c->audit_signer.key_file.empty());

  auto defaults = ParseConfig("", "empty");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->witness.interval.count(), 60'000);
  EXPECT_TRUE(defaults->witness.directory.empty());
  EXPECT_TRUE(defaults->audit_signer.empty());

  struct Case {
    const char* toml;
    const char* subject;
  };
  for (const Case& bad : {Case{"[witness]\ninterval = 0", "witness.interval"},
                          Case{"[witness]\ninterval = 90000", "witness.interval"},
                          Case{"[witness]\nsyslg = \"udp://h:514\"", "witness.syslg"},
                          Case{"[witness]\nhttps = \"https://h/x\"", "witness.https_ca"},
                          Case{"[witness]\nhttps_ca = \"ca.pem\"", "witness.https_ca"},
                          Case{"[audit_signer]\npin = \"1234\"", "audit_signer.pin"},
                          Case{"[audit_signer]\nkey = \"-----BEGIN\"", "audit_signer.key"},
                          Case{"witness = 1", "witness"}}) {
    auto parsed = ParseConfig(bad.toml, "t.toml");
    ASSERT_FALSE(parsed.has_value()) << bad.toml;
    EXPECT_EQ(parsed.error().subject(), bad.subject) << parsed.error().ToString();
    EXPECT_EQ(parsed.error().message().find("1234"), std::string::npos);
  }
}

TEST(ConfigTest, ListenForms) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(ParseListen("0.0.0.0:0", &host, &port).ok());
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(ParseListen("[::]:443", &host, &port).ok());
  EXPECT_EQ(host, "::");
  EXPECT_FALSE(ParseListen("::1:443", &host, &port).ok());
  EXPECT_FALSE(ParseListen(":443", &host, &port).ok());
  EXPECT_FALSE(ParseListen("host:", &host, &port).ok());
}

TEST(CertificateTest, GeneratedOnceWithPrivateKeyAndNames) {
  mamori::testing::TempDir dir;
  const std::string tls = dir / "tls";
  auto first = EnsureServerCertificate(tls, {"api.example.jp", "10.0.0.5"});
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_TRUE(first->created);
  struct stat st {};
  ASSERT_EQ(::stat(first->private_key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(tls.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(first->sha256_fingerprint.size(), 32u * 3 - 1);
  EXPECT_EQ(first->public_key_pin.rfind("sha256//", 0), 0u);

  // Kept: the fingerprint clients pinned stays valid.
  auto second = EnsureServerCertificate(tls);
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->sha256_fingerprint, first->sha256_fingerprint);

  FILE* f = std::fopen(first->certificate_path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_host(cert, "api.example.jp", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.0.0.5", 0), 1);
  EXPECT_EQ(X509_check_host(cert, "evil.example", 0, 0, nullptr), 0);
  EVP_PKEY* key = X509_get0_pubkey(cert);
  EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
  EXPECT_EQ(EVP_PKEY_get_bits(key), 256);
  X509_free(cert);

  // A certificate without its key is refused rather than replaced.
  ASSERT_EQ(::unlink(first->private_key_path.c_str()), 0);
  EXPECT_EQ(EnsureServerCertificate(tls).error().code(), Code::kFailedPrecondition);
}

// Servers started together on one data directory without a certificate:
// one generates the pair, the others read it, and the key on disk is the
// certificate's (before, each wrote both files through one temporary name
// and a server could serve a certificate whose key another had replaced).
TEST(CertificateTest, StartersAtOnceShareOneGeneratedPair) {
  mamori::testing::TempDir dir;
  const std::string tls = dir / "tls";
  constexpr int kStarters = 3;
  std::vector<Result<CertificateInfo>> got(kStarters, Fail(Status::Internal("not run")));
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kStarters; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kStarters) std::this_thread::yield();
      got[i] = EnsureServerCertificate(tls);
    });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  for (const auto& info : got) {
    ASSERT_TRUE(info.has_value()) << info.error().ToString();
    created += info->created ? 1 : 0;
    EXPECT_EQ(info->sha256_fingerprint, got[0]->sha256_fingerprint);
  }
  EXPECT_EQ(created, 1);
  auto on_disk = DescribeCertificate(tls + "/server.crt");
  ASSERT_TRUE(on_disk.has_value());
  EXPECT_EQ(on_disk->sha256_fingerprint, got[0]->sha256_fingerprint);
  FILE* f = std::fopen((tls + "/server.crt").c_str(), "r");
  ASSERT_NE(f, nullptr);
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  f = std::fopen((tls + "/server.key").c_str(), "r");
  ASSERT_NE(f, nullptr);
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  ASSERT_NE(cert, nullptr);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(X509_check_private_key(cert, key), 1);
  EVP_PKEY_free(key);
  X509_free(cert);
  struct stat st {};
  ASSERT_EQ(::stat((tls + "/server.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left beside them.
  for (const auto& entry : std::filesystem::directory_iterator(tls)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "server.crt" || name == "server.key" || name == ".generate.lock") << name;
  }
}

// A key left without its certificate (a generation that stopped before its
// last step) is replaced by a fresh pair.
TEST(CertificateTest, AKeyLeftWithoutItsCertificateIsReplaced) {
  mamori::testing::TempDir dir;
  const std::string tls = dir / "tls";
  auto first = EnsureServerCertificate(tls);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(::unlink(first->certificate_path.c_str()), 0);
  auto second = EnsureServerCertificate(tls);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_TRUE(second->created);
  EXPECT_NE(second->sha256_fingerprint, first->sha256_fingerprint);
}

}  // namespace
}  // namespace mamori::api
