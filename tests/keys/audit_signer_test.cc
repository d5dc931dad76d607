// The holders of the audit signing key (audit_signer.h, pkcs11_signer.h):
// a key file, and a real PKCS#11 token — SoftHSM2, in a token directory of
// the test's own (SOFTHSM2_CONF).
#include "keys/audit_signer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "keys/pkcs11_signer.h"
#include "testing/temp_dir.h"

namespace mamori::keys {
namespace {

void WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  ::chmod(path.c_str(), mode);
}

int Shell(const std::string& command) {
  return std::system(("(" + command + ") >/dev/null 2>&1").c_str());
}

// ---- key file ----

TEST(AuditKeyFileTest, CreatesA0600KeyFileThatSignsAndRefusesToOverwriteIt) {
  testing::TempDir dir;
  const std::string path = dir / "audit.key";
  auto pub = CreateAuditKeyFile(path);
  ASSERT_TRUE(pub.has_value()) << pub.error().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto signer = OpenAuditKeyFile(path);
  ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
  EXPECT_EQ((*signer)->PublicKey().Fingerprint(), pub->Fingerprint());
  EXPECT_EQ((*signer)->Describe(), "file:" + path);
  auto sig = (*signer)->Sign("a tree head");
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(pub->Verify("a tree head", *sig).ok());
  EXPECT_FALSE(pub->Verify("another", *sig).ok());
  EXPECT_EQ(CreateAuditKeyFile(path).error().code(), Code::kAlreadyExists);
}

TEST(AuditKeyFileTest, AcceptsTheSec1FormOpensslWrites) {
  testing::TempDir dir;
  const std::string path = dir / "sec1.key";
  ASSERT_EQ(Shell("umask 077; openssl ecparam -name prime256v1 -genkey -noout -out '" + path + "'"),
            0);
  auto signer = OpenAuditKeyFile(path);
  ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
  auto sig = (*signer)->Sign("m");
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE((*signer)->PublicKey().Verify("m", *sig).ok());
}

TEST(AuditKeyFileTest, RefusesAReadableFileAnotherCurveAndGarbageWithoutQuotingIt) {
  testing::TempDir dir;
  const std::string path = dir / "audit.key";
  ASSERT_TRUE(CreateAuditKeyFile(path).has_value());
  ::chmod(path.c_str(), 0644);
  auto open = OpenAuditKeyFile(path);
  ASSERT_FALSE(open.has_value());
  EXPECT_EQ(open.error().code(), Code::kPermissionDenied);
  EXPECT_NE(open.error().message().find("chmod 600"), std::string::npos);

  const std::string p384 = dir / "p384.key";
  ASSERT_EQ(
      Shell("umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out '" +
            p384 + "'"),
      0);
  open = OpenAuditKeyFile(p384);
  ASSERT_FALSE(open.has_value());
  EXPECT_EQ(open.error().code(), Code::kInvalidArgument);
  EXPECT_NE(open.error().message().find("P-256"), std::string::npos) << open.error().message();

  const std::string garbage = dir / "garbage.key";
  WriteFile(garbage, "secret-looking-bytes 12345", 0600);
  open = OpenAuditKeyFile(garbage);
  ASSERT_FALSE(open.has_value());
  EXPECT_EQ(open.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(open.error().message().find("secret-looking"), std::string::npos);
  EXPECT_EQ(OpenAuditKeyFile(dir / "absent.key").error().code(), Code::kNotFound);
}

TEST(AuditSignerConfigTest, OneHolderAtATimeAndPkcs11SettingsComplete) {
  auto none = OpenAuditSigner({});
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(*none, nullptr);
  AuditSignerConfig both;
  both.key_file = "/x";
  both.pkcs11_module = "/y.so";
  EXPECT_EQ(OpenAuditSigner(both).error().code(), Code::kInvalidArgument);
  AuditSignerConfig partial;
  partial.pkcs11_module = "/y.so";
  partial.pkcs11_token = "t";
  auto r = OpenAuditSigner(partial);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "audit-pkcs11-key");
}

// ---- PKCS#11 on SoftHSM2 ----

constexpr char kModule[] = "/usr/lib/softhsm/libsofthsm2.so";
constexpr char kToken[] = "mamori-audit-test";
constexpr char kPin[] = "2718-2818";

class Pkcs11SignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kModule) || Shell("command -v softhsm2-util") != 0) {
      GTEST_SKIP() << "SoftHSM2 is not installed (Debian package softhsm2; scripts/install-deps "
                      "installs it): the PKCS#11 signer is not tested";
    }
    std::filesystem::create_directories(dir_ / "tokens");
    WriteFile(dir_ / "softhsm2.conf", "directories.tokendir = " + (dir_ / "tokens") + "\n", 0600);
    ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
    ASSERT_EQ(Shell(std::string("softhsm2-util --init-token --free --label ") + kToken +
                    " --so-pin 3141-5926 --pin " + kPin),
              0);
    WriteFile(dir_ / "pin", std::string(kPin) + "\n", 0600);
    // A key made here and imported (softhsm2-util creates the private and
    // the public object under one label).
    auto pub = CreateAuditKeyFile(dir_ / "audit.key");
    ASSERT_TRUE(pub.has_value());
    fingerprint_ = pub->Fingerprint();
    ASSERT_EQ(Shell("softhsm2-util --import '" + (dir_ / "audit.key") + "' --token " + kToken +
                    " --label mamori-audit --id 01 --pin " + kPin),
              0);
  }
  void TearDown() override { ::unsetenv("SOFTHSM2_CONF"); }

  Pkcs11Options Options(const std::string& label = "mamori-audit") {
    return {kModule, kToken, label, dir_ / "pin"};
  }

  testing::TempDir dir_;
  std::string fingerprint_;
};

TEST_F(Pkcs11SignerTest, SignsOnTheTokenWithTheKeyItHolds) {
  auto signer = OpenPkcs11Signer(Options());
  ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
  EXPECT_EQ((*signer)->PublicKey().Fingerprint(), fingerprint_);
  const std::string describe = (*signer)->Describe();
  EXPECT_NE(describe.find("token=mamori-audit-test"), std::string::npos) << describe;
  EXPECT_EQ(describe.find(kPin), std::string::npos);
  auto sig = (*signer)->Sign("mamori-audit-sth-v1 head");
  ASSERT_TRUE(sig.has_value()) << sig.error().ToString();
  // DER, verifiable by anyone with the public key alone.
  auto pub = crypto::EcdsaP256PublicKey::FromPem((*signer)->PublicKey().ToPem());
  ASSERT_TRUE(pub.has_value());
  EXPECT_TRUE(pub->Verify("mamori-audit-sth-v1 head", *sig).ok());
  EXPECT_FALSE(pub->Verify("mamori-audit-sth-v1 other", *sig).ok());
}

TEST_F(Pkcs11SignerTest, SignsFromSeveralThreadsAtOnce) {
  auto signer = OpenPkcs11Signer(Options());
  ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string msg = "head " + std::to_string(t) + "/" + std::to_string(i);
        auto sig = (*signer)->Sign(msg);
        if (sig && (*signer)->PublicKey().Verify(msg, *sig).ok()) ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good.load(), 40);
}

TEST_F(Pkcs11SignerTest, AKeyGeneratedOnTheTokenWorksToo) {
  if (Shell("command -v pkcs11-tool") != 0) {
    GTEST_SKIP() << "pkcs11-tool (Debian package opensc) is not installed";
  }
  ASSERT_EQ(Shell(std::string("pkcs11-tool --module ") + kModule + " --token-label " + kToken +
                  " --login --pin " + kPin +
                  " --keypairgen --key-type EC:prime256v1 --label on-token --id 02"),
            0);
  auto signer = OpenPkcs11Signer(Options("on-token"));
  ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
  auto sig = (*signer)->Sign("m");
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE((*signer)->PublicKey().Verify("m", *sig).ok());
  EXPECT_NE((*signer)->PublicKey().Fingerprint(), fingerprint_);
}

TEST_F(Pkcs11SignerTest, RefusesAWrongPinAMissingKeyTokenOrModuleAndAReadablePinFile) {
  WriteFile(dir_ / "wrong-pin", "0000-0000\n", 0600);
  Pkcs11Options o = Options();
  o.pin_file = dir_ / "wrong-pin";
  auto r = OpenPkcs11Signer(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(r.error().message().find("0000"), std::string::npos);

  r = OpenPkcs11Signer(Options("no-such-key"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kNotFound);
  EXPECT_EQ(r.error().subject(), "audit-pkcs11-key");

  o = Options();
  o.token = "no-such-token";
  r = OpenPkcs11Signer(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), "audit-pkcs11-token");

  o = Options();
  o.module = dir_ / "no-such-module.so";
  r = OpenPkcs11Signer(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kNotFound);

  ::chmod((dir_ / "pin").c_str(), 0644);
  r = OpenPkcs11Signer(Options());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), Code::kPermissionDenied);
}

TEST_F(Pkcs11SignerTest, OpenAuditSignerReachesTheToken) {
  AuditSignerConfig c;
  c.pkcs11_module = kModule;
  c.pkcs11_token = kToken;
  c.pkcs11_key = "mamori-audit";
  c.pkcs11_pin_file = dir_ / "pin";
  auto signer = OpenAuditSigner(c);
  ASSERT_TRUE(signer.has_value()) << signer.error().ToString();
  ASSERT_NE(*signer, nullptr);
  EXPECT_EQ((*signer)->PublicKey().Fingerprint(), fingerprint_);
}

}  // namespace
}  // namespace mamori::keys
