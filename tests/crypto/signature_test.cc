#include "crypto/signature.h"

#include <gtest/gtest.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstring>
#include <memory>
#include <string>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/test_util.h"

namespace mamori::crypto {
namespace {

using testing::Unhex;

// A P-256 key made with the openssl CLI (`openssl genpkey ... P-256`), its
// fingerprint from `openssl pkey -pubin -outform DER | sha256sum`, and a
// signature from `openssl dgst -sha256 -sign` over kCliMessage: checks that
// this module interoperates with an independent signer.
constexpr char kCliPublicPem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEfBoDD5cUlVW3Ef4kRv6vpyNfhyuc\n"
    "rkpCbcjoyvqzCsnOCOeWOtPHfOmghvrujRYvwSmS72FV5X3nPrh2nTFd8Q==\n"
    "-----END PUBLIC KEY-----\n";
constexpr char kCliFingerprint[] =
    "09a56a78ee640ed4992b13cb828497fe73c6d948679b5265ba0cf99bc32af79f";
constexpr char kCliMessage[] = "signed tree head 42";
constexpr char kCliSignatureHex[] =
    "304602210092aa25348eddec86b4213643b85737d49fde3607799ae5f4230844c76e16ffef022100ce707cede8b7"
    "dbef3c43da962b5c91a4cf02f34315ff980a566886c3128b4a82";

// The same curve written with explicit parameters instead of its name.
constexpr char kExplicitP256Pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBSzCCAQMGByqGSM49AgEwgfcCAQEwLAYHKoZIzj0BAQIhAP////8AAAABAAAA\n"
    "AAAAAAAAAAAA////////////////MFsEIP////8AAAABAAAAAAAAAAAAAAAA////\n"
    "///////////8BCBaxjXYqjqT57PrvVV2mIa8ZR0GsMxTsPY7zjw+J9JgSwMVAMSd\n"
    "NgiG5wSTamZ44ROdJreBn36QBEEEaxfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5\n"
    "RdiYwpZP40Li/hp/m47n60p8D54WK84zV2sxXs7LtkBoN79R9QIhAP////8AAAAA\n"
    "//////////+85vqtpxeehPO5ysL8YyVRAgEBA0IABK6olALpC8LOShXF13k1P06J\n"
    "8ha7WQlJDm+AUAIJLl8TTHNazppwUffXu2rUd1ETtXYW+8g/bMH8gKPXOV/9sl8=\n"
    "-----END PUBLIC KEY-----\n";

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string SpkiDer(EVP_PKEY* pkey) {
  unsigned char* buf = nullptr;
  int len = i2d_PUBKEY(pkey, &buf);
  EXPECT_GT(len, 0);
  std::string der(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return der;
}

// PKCS#8 of a foreign key; with a passphrase, EncryptedPrivateKeyInfo.
SecretBytes Pkcs8Der(EVP_PKEY* pkey, const char* passphrase = nullptr) {
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(
      pkey, EVP_PKEY_KEYPAIR, "DER", passphrase ? "EncryptedPrivateKeyInfo" : "PrivateKeyInfo",
      nullptr);
  EXPECT_NE(ctx, nullptr);
  if (passphrase != nullptr) {
    EXPECT_EQ(OSSL_ENCODER_CTX_set_cipher(ctx, "AES-256-CBC", nullptr), 1);
    EXPECT_EQ(OSSL_ENCODER_CTX_set_passphrase(
                  ctx, reinterpret_cast<const unsigned char*>(passphrase), strlen(passphrase)),
              1);
  }
  unsigned char* data = nullptr;
  size_t len = 0;
  EXPECT_EQ(OSSL_ENCODER_to_data(ctx, &data, &len), 1);
  OSSL_ENCODER_CTX_free(ctx);
  SecretBytes der(std::string_view(reinterpret_cast<char*>(data), len));
  OPENSSL_clear_free(data, len);
  return der;
}

EcdsaP256PrivateKey NewSigningKey() {
  auto key = EcdsaP256PrivateKey::Generate();
  EXPECT_TRUE(key);
  return std::move(*key);
}

TEST(EcdsaTest, SignVerifyRoundTrip) {
  EcdsaP256PrivateKey key = NewSigningKey();
  EcdsaP256PublicKey pub = key.PublicKey();
  for (std::string_view message : {"", "audit head 7", "x"}) {
    auto sig = key.Sign(message);
    ASSERT_TRUE(sig) << sig.error().ToString();
    EXPECT_LE(sig->size(), 72u);
    EXPECT_TRUE(pub.Verify(message, *sig).ok());
  }
}

TEST(EcdsaTest, AlteredMessageOrSignatureFails) {
  EcdsaP256PrivateKey key = NewSigningKey();
  EcdsaP256PublicKey pub = key.PublicKey();
  std::string sig = *key.Sign("root hash abc");
  Status s = pub.Verify("root hash abd", sig);
  EXPECT_EQ(s.code(), Code::kDataLoss);
  EXPECT_FALSE(s.message_ja().empty());
  for (size_t i = 0; i < sig.size(); ++i) {
    std::string altered = sig;
    altered[i] ^= 0x01;
    EXPECT_EQ(pub.Verify("root hash abc", altered).code(), Code::kDataLoss) << "byte " << i;
  }
  EXPECT_EQ(pub.Verify("root hash abc", "").code(), Code::kDataLoss);
  EXPECT_EQ(pub.Verify("root hash abc", "not der").code(), Code::kDataLoss);
  EXPECT_EQ(pub.Verify("root hash abc", sig + "x").code(), Code::kDataLoss);
  EXPECT_EQ(NewSigningKey().PublicKey().Verify("root hash abc", sig).code(), Code::kDataLoss);
}

TEST(EcdsaTest, VerifiesSignatureFromOpensslCli) {
  auto pub = EcdsaP256PublicKey::FromPem(kCliPublicPem);
  ASSERT_TRUE(pub) << pub.error().ToString();
  EXPECT_EQ(pub->Fingerprint(), kCliFingerprint);
  EXPECT_EQ(pub->ToPem(), kCliPublicPem);
  EXPECT_TRUE(pub->Verify(kCliMessage, Unhex(kCliSignatureHex)).ok());
  EXPECT_EQ(pub->Verify("signed tree head 43", Unhex(kCliSignatureHex)).code(), Code::kDataLoss);
}

TEST(EcdsaTest, PublicKeyPemAndDerRoundTrip) {
  EcdsaP256PublicKey pub = NewSigningKey().PublicKey();
  std::string pem = pub.ToPem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
  auto from_pem = EcdsaP256PublicKey::FromPem(pem);
  ASSERT_TRUE(from_pem) << from_pem.error().ToString();
  EXPECT_EQ(from_pem->ToDer(), pub.ToDer());
  auto from_der = EcdsaP256PublicKey::FromDer(pub.ToDer());
  ASSERT_TRUE(from_der);
  EXPECT_EQ(from_der->ToPem(), pem);
}

TEST(EcdsaTest, FingerprintIsStableSha256OfSpki) {
  EcdsaP256PrivateKey key = NewSigningKey();
  std::string fp = key.PublicKey().Fingerprint();
  EXPECT_EQ(fp.size(), 64u);
  EXPECT_EQ(fp, key.PublicKey().Fingerprint());
  EXPECT_EQ(fp, HexEncode(DigestView(Sha256(key.PublicKey().ToDer()))));
  EXPECT_EQ(fp, EcdsaP256PublicKey::FromPem(key.PublicKey().ToPem())->Fingerprint());
  EXPECT_NE(fp, NewSigningKey().PublicKey().Fingerprint());
}

TEST(EcdsaTest, Pkcs8RoundTrip) {
  EcdsaP256PrivateKey key = NewSigningKey();
  auto der = key.ToPkcs8Der();
  ASSERT_TRUE(der) << der.error().ToString();
  auto restored = EcdsaP256PrivateKey::FromPkcs8Der(*der);
  ASSERT_TRUE(restored) << restored.error().ToString();
  EXPECT_EQ(restored->PublicKey().Fingerprint(), key.PublicKey().Fingerprint());
  EXPECT_EQ(restored->ToPkcs8Der()->view(), der->view());
  // Each key verifies the other's signatures: same private scalar.
  EXPECT_TRUE(key.PublicKey().Verify("m", *restored->Sign("m")).ok());
}

TEST(EcdsaTest, MalformedPublicKeysAreInvalidArgument) {
  std::string der = NewSigningKey().PublicKey().ToDer();
  std::string pem = NewSigningKey().PublicKey().ToPem();
  EXPECT_EQ(EcdsaP256PublicKey::FromDer("").error().code(), Code::kInvalidArgument);
  EXPECT_EQ(EcdsaP256PublicKey::FromDer(der.substr(0, der.size() - 1)).error().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(EcdsaP256PublicKey::FromDer(der + "x").error().code(), Code::kInvalidArgument);
  std::string off_curve = der;
  off_curve.back() ^= 0x01;
  EXPECT_EQ(EcdsaP256PublicKey::FromDer(off_curve).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(EcdsaP256PublicKey::FromPem("").error().code(), Code::kInvalidArgument);
  EXPECT_EQ(EcdsaP256PublicKey::FromPem(der).error().code(), Code::kInvalidArgument);
  EXPECT_EQ(EcdsaP256PublicKey::FromPem(pem + "trailing").error().code(), Code::kInvalidArgument);
  EXPECT_EQ(EcdsaP256PublicKey::FromPem("junk\n" + pem).error().code(), Code::kInvalidArgument);
  EXPECT_TRUE(EcdsaP256PublicKey::FromPem("\n" + pem + "\n\n"));
}

TEST(EcdsaTest, MalformedPrivateKeysAreInvalidArgument) {
  SecretBytes der = *NewSigningKey().ToPkcs8Der();
  EXPECT_EQ(EcdsaP256PrivateKey::FromPkcs8Der(SecretBytes()).error().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(EcdsaP256PrivateKey::FromPkcs8Der(SecretBytes(der.view().substr(0, 20))).error().code(),
            Code::kInvalidArgument);
  std::string trailing(der.view());
  trailing += "x";
  EXPECT_EQ(EcdsaP256PrivateKey::FromPkcs8Der(SecretBytes(trailing)).error().code(),
            Code::kInvalidArgument);
  // A public key is not a private key.
  EXPECT_EQ(EcdsaP256PrivateKey::FromPkcs8Der(SecretBytes(NewSigningKey().PublicKey().ToDer()))
                .error()
                .code(),
            Code::kInvalidArgument);
}

TEST(EcdsaTest, RefusesOtherCurvesAndKeyTypes) {
  Pkey p384(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  Pkey rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  Pkey ed25519(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ASSERT_TRUE(p384 && rsa && ed25519);
  for (EVP_PKEY* other : {p384.get(), rsa.get(), ed25519.get()}) {
    auto pub = EcdsaP256PublicKey::FromDer(SpkiDer(other));
    ASSERT_FALSE(pub);
    EXPECT_EQ(pub.error().code(), Code::kInvalidArgument);
    EXPECT_NE(pub.error().message().find("not an ECDSA P-256"), std::string::npos)
        << pub.error().message();
    auto priv = EcdsaP256PrivateKey::FromPkcs8Der(Pkcs8Der(other));
    ASSERT_FALSE(priv);
    EXPECT_EQ(priv.error().code(), Code::kInvalidArgument);
    EXPECT_NE(priv.error().message().find("not an ECDSA P-256"), std::string::npos)
        << priv.error().message();
  }
}

TEST(EcdsaTest, RefusesExplicitCurveParameters) {
  auto pub = EcdsaP256PublicKey::FromPem(kExplicitP256Pem);
  ASSERT_FALSE(pub);
  EXPECT_EQ(pub.error().code(), Code::kInvalidArgument);
  EXPECT_NE(pub.error().message().find("named curve"), std::string::npos) << pub.error().message();
}

TEST(EcdsaTest, RefusesEncryptedPkcs8WithoutPrompting) {
  Pkey p256(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(p256);
  auto priv = EcdsaP256PrivateKey::FromPkcs8Der(Pkcs8Der(p256.get(), "passphrase"));
  ASSERT_FALSE(priv);
  EXPECT_EQ(priv.error().code(), Code::kInvalidArgument);
  EXPECT_NE(priv.error().message().find("unencrypted PKCS#8"), std::string::npos)
      << priv.error().message();
  // The unencrypted form of the same key is accepted.
  EXPECT_TRUE(EcdsaP256PrivateKey::FromPkcs8Der(Pkcs8Der(p256.get())));
}

TEST(EcdsaTest, MovedKeysKeepWorking) {
  EcdsaP256PrivateKey a = NewSigningKey();
  std::string fp = a.PublicKey().Fingerprint();
  EcdsaP256PrivateKey b = std::move(a);
  EXPECT_EQ(b.PublicKey().Fingerprint(), fp);
  EcdsaP256PublicKey pub = b.PublicKey();
  pub = NewSigningKey().PublicKey();
  EXPECT_NE(pub.Fingerprint(), fp);
}

TEST(EcdsaTest, PublicKeyFromItsUncompressedPoint) {
  auto key = EcdsaP256PrivateKey::Generate();
  ASSERT_TRUE(key.has_value());
  const std::string der = key->PublicKey().ToDer();
  const std::string point = der.substr(der.size() - 65);  // the BIT STRING's content
  ASSERT_EQ(point[0], '\x04');
  auto pub = EcdsaP256PublicKey::FromUncompressedPoint(point);
  ASSERT_TRUE(pub.has_value()) << pub.error().ToString();
  EXPECT_EQ(pub->Fingerprint(), key->PublicKey().Fingerprint());
  std::string off_curve = point;
  off_curve[64] ^= 1;
  EXPECT_FALSE(EcdsaP256PublicKey::FromUncompressedPoint(off_curve).has_value());
  EXPECT_FALSE(EcdsaP256PublicKey::FromUncompressedPoint(point.substr(1)).has_value());
  EXPECT_FALSE(EcdsaP256PublicKey::FromUncompressedPoint("").has_value());
}

TEST(EcdsaTest, RawSignatureToDer) {
  // r with its top bit set (needs a 0x00), s with leading zero bytes (dropped).
  std::string raw(64, '\0');
  raw[0] = '\x80';
  raw[31] = '\x01';
  raw[34] = '\x7f';
  raw[63] = '\x02';
  auto der = EcdsaSignatureDerFromRaw(raw);
  ASSERT_TRUE(der.has_value());
  const std::string want = std::string("\x30\x43\x02\x21\x00\x80", 6) + std::string(30, '\0') +
                           "\x01" + std::string("\x02\x1e\x7f", 3) + std::string(28, '\0') + "\x02";
  EXPECT_EQ(*der, want);
  EXPECT_FALSE(EcdsaSignatureDerFromRaw(raw.substr(1)).has_value());
  // Zero stays one byte.
  auto zero = EcdsaSignatureDerFromRaw(std::string(64, '\0'));
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(*zero, std::string("\x30\x06\x02\x01\x00\x02\x01\x00", 8));
}

TEST(EcdsaTest, PrivateKeyPemRoundTripAndRefusals) {
  auto key = EcdsaP256PrivateKey::Generate();
  ASSERT_TRUE(key.has_value());
  auto pem = key->ToPkcs8Pem();
  ASSERT_TRUE(pem.has_value());
  EXPECT_TRUE(pem->view().starts_with("-----BEGIN PRIVATE KEY-----"));
  auto back = EcdsaP256PrivateKey::FromPem(*pem);
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(back->PublicKey().Fingerprint(), key->PublicKey().Fingerprint());
  const std::string twice = std::string(pem->view()) + std::string(pem->view());
  EXPECT_FALSE(EcdsaP256PrivateKey::FromPem(SecretBytes(twice)).has_value());
  EXPECT_FALSE(EcdsaP256PrivateKey::FromPem(SecretBytes(key->PublicKey().ToPem())).has_value());
  EXPECT_FALSE(EcdsaP256PrivateKey::FromPem(SecretBytes("")).has_value());
}

}  // namespace
}  // namespace mamori::crypto
