// CmsWriter and RecipientCertificate against a real PKI, opened by the real
// `openssl cms -decrypt` in a separate process.
#include "crypto/cms_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "crypto/random.h"
#include "testing/temp_dir.h"
#include "testing/test_pki.h"

namespace mamori::crypto {
namespace {

using mamori::testing::ReadAll;
using mamori::testing::RunCapture;
using mamori::testing::TempDir;
using mamori::testing::TestPki;

class CmsWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(pki_.ok());
    ASSERT_TRUE(pki_.MakeRecipient("ec"));
    ASSERT_TRUE(pki_.MakeRecipient("rsa", "rsa"));
  }
  RecipientCertificate Recipient(const std::string& name) {
    auto cert = RecipientCertificate::Parse(pki_.Cert(name));
    EXPECT_TRUE(cert.has_value()) << cert.error().ToString();
    return *cert;
  }
  // Writes `content` in chunks of `chunk` bytes to dir/name.p7m.
  std::string Encrypt(const RecipientCertificate& to, const std::string& content,
                      size_t chunk = 4096) {
    const std::string path = dir_ / "out.p7m";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    EXPECT_GE(fd, 0);
    auto w = CmsWriter::Begin(fd, to);
    EXPECT_TRUE(w.has_value()) << w.error().ToString();
    for (size_t at = 0; at < content.size(); at += chunk) {
      EXPECT_TRUE((*w)->Write(std::string_view(content).substr(at, chunk)).ok());
    }
    EXPECT_TRUE((*w)->Finish().ok());
    ::close(fd);
    return path;
  }

  TempDir dir_;
  TestPki pki_{dir_.path()};
};

TEST_F(CmsWriterTest, OpensslDecryptsEcRecipientAndTheKdfIsSha256) {
  const std::string content = *RandomBytes(300'000);
  const std::string file = Encrypt(Recipient("ec"), content);
  ASSERT_EQ(pki_.Decrypt("ec", file, dir_ / "plain"), 0);
  EXPECT_EQ(ReadAll(dir_ / "plain"), content);
  std::string printed;
  ASSERT_EQ(RunCapture("openssl cms -cmsout -print -inform DER -in '" + file + "'", &printed), 0);
  EXPECT_NE(printed.find("authEnvelopedData"), std::string::npos);
  EXPECT_NE(printed.find("aes-256-gcm"), std::string::npos);
  EXPECT_NE(printed.find("dhSinglePass-stdDH-sha256kdf-scheme"), std::string::npos);
  EXPECT_EQ(printed.find("sha1kdf"), std::string::npos);
}

TEST_F(CmsWriterTest, OpensslDecryptsRsaRecipientWithOaepSha256) {
  const std::string content = "first line\n" + *RandomBytes(70'001) + "last line\n";
  const std::string file = Encrypt(Recipient("rsa"), content, 1);  // byte by byte at the start
  ASSERT_EQ(pki_.Decrypt("rsa", file, dir_ / "plain"), 0);
  EXPECT_EQ(ReadAll(dir_ / "plain"), content);
  std::string printed;
  ASSERT_EQ(RunCapture("openssl cms -cmsout -print -inform DER -in '" + file + "'", &printed), 0);
  EXPECT_NE(printed.find("rsaesOaep"), std::string::npos);
  EXPECT_NE(printed.find("sha256"), std::string::npos);
}

TEST_F(CmsWriterTest, EmptyContentIsRefused) {
  // openssl cms cannot read a streamed structure with empty content.
  int fd = ::open((dir_ / "empty.p7m").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  auto w = CmsWriter::Begin(fd, Recipient("ec"));
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ((*w)->Finish().code(), Code::kFailedPrecondition);
  ::close(fd);
}

TEST_F(CmsWriterTest, AFlippedByteMakesOpensslFail) {
  const std::string content = *RandomBytes(50'000);
  const std::string file = Encrypt(Recipient("ec"), content);
  std::string bytes = ReadAll(file);
  bytes[bytes.size() / 2] ^= 1;
  { std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes; }
  EXPECT_NE(pki_.Decrypt("ec", file, dir_ / "plain"), 0);
}

TEST_F(CmsWriterTest, AnotherKeyCannotDecrypt) {
  ASSERT_TRUE(pki_.MakeRecipient("other"));
  const std::string file = Encrypt(Recipient("ec"), "secret records\n");
  // other.key with ec.crt named as the recipient: the key does not match.
  const std::string cmd = "openssl cms -decrypt -binary -inform DER -in '" + file + "' -inkey '" +
                          (dir_ / "other.key") + "' -out '" + (dir_ / "plain") +
                          "' >/dev/null 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
}

TEST_F(CmsWriterTest, WriteFailureIsAnIoError) {
  // A read-only descriptor: the header cannot be written.
  const std::string path = dir_ / "ro";
  { std::ofstream(path) << ""; }
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  auto w = CmsWriter::Begin(fd, Recipient("ec"));
  if (w.has_value()) {
    Status s = (*w)->Write(std::string(100'000, 'x'));
    if (s.ok()) s = (*w)->Finish();
    EXPECT_EQ(s.code(), Code::kIoError);
    EXPECT_FALSE((*w)->Write("more").ok());
  } else {
    EXPECT_EQ(w.error().code(), Code::kIoError);
  }
  ::close(fd);
}

TEST_F(CmsWriterTest, FingerprintIsOpensslsSha256Fingerprint) {
  std::string printed;
  ASSERT_EQ(RunCapture("openssl x509 -noout -fingerprint -sha256 -in '" + (dir_ / "ec.crt") + "'",
                       &printed),
            0);
  std::string expected;
  for (char c : printed.substr(printed.find('=') + 1)) {
    if (std::isxdigit(static_cast<unsigned char>(c)))
      expected += static_cast<char>(std::tolower(c));
  }
  EXPECT_EQ(Recipient("ec").Fingerprint(), expected);
  EXPECT_EQ(Recipient("ec").KeyDescription(), "ec-p256");
  EXPECT_EQ(Recipient("rsa").KeyDescription(), "rsa-3072");
  // DER parses to the same certificate.
  auto der = RecipientCertificate::Parse(Recipient("ec").Der());
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(der->Fingerprint(), expected);
}

TEST_F(CmsWriterTest, RefusesWhatCannotBeEncryptedToUnderCryptrec) {
  ASSERT_TRUE(pki_.MakeRecipient("weak", "rsa1024"));
  ASSERT_TRUE(pki_.MakeRecipient("p384", "p384"));
  for (const char* name : {"weak", "p384"}) {
    auto cert = RecipientCertificate::Parse(pki_.Cert(name));
    ASSERT_FALSE(cert.has_value()) << name;
    EXPECT_EQ(cert.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(cert.error().subject(), "certificate");
  }
  for (const std::string& bad : {std::string(), std::string("not a certificate"),
                                 std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END "
                                             "CERTIFICATE-----\n"),
                                 std::string(70'000, 'A')}) {
    auto cert = RecipientCertificate::Parse(bad);
    ASSERT_FALSE(cert.has_value());
    EXPECT_EQ(cert.error().code(), Code::kInvalidArgument);
    // Never quotes the input.
    EXPECT_EQ(cert.error().message().find("not a certificate"), std::string::npos);
  }
  // Two certificates: whom is the file for?
  auto two = RecipientCertificate::Parse(pki_.Cert("ec") + pki_.Cert("rsa"));
  ASSERT_FALSE(two.has_value());
  EXPECT_EQ(two.error().code(), Code::kInvalidArgument);
  // Bytes after a DER certificate.
  auto trailing = RecipientCertificate::Parse(Recipient("ec").Der() + "x");
  ASSERT_FALSE(trailing.has_value());
}

TEST_F(CmsWriterTest, UsableChecksValidityCaAndKeyUsage) {
  ASSERT_TRUE(pki_.MakeRecipient("signonly", "ec", "keyUsage=critical,digitalSignature"));
  ASSERT_TRUE(pki_.MakeRecipient("rsasign", "rsa", "keyUsage=critical,digitalSignature"));
  ASSERT_TRUE(pki_.MakeRecipient("nousage", "ec", "subjectKeyIdentifier=hash"));
  const RecipientCertificate ec = Recipient("ec");
  const TimeMicros now = NowMicros() + kMicrosPerSecond;  // after the last notBefore
  EXPECT_TRUE(ec.Usable(now).ok());
  EXPECT_EQ(ec.Usable(ec.NotAfter() + kMicrosPerSecond).code(), Code::kFailedPrecondition);
  EXPECT_EQ(ec.Usable(now - 2 * 86400 * kMicrosPerSecond).code(), Code::kFailedPrecondition);

  auto ca = RecipientCertificate::Parse(ReadAll(dir_ / "ca.crt"));
  ASSERT_TRUE(ca.has_value());
  EXPECT_EQ(ca->Usable(now).code(), Code::kFailedPrecondition);

  EXPECT_EQ(Recipient("signonly").Usable(now).code(), Code::kFailedPrecondition);
  EXPECT_EQ(Recipient("rsasign").Usable(now).code(), Code::kFailedPrecondition);
  EXPECT_TRUE(Recipient("nousage").Usable(now).ok()) << Recipient("nousage").Usable(now).ToString();
}

}  // namespace
}  // namespace mamori::crypto
