#include "identity/sealer.h"

#include "core/encoding.h"
#include "crypto/aead.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"

namespace mamori::identity {
namespace {

std::string AssociatedData(std::string_view owner, std::string_view field) {
  std::string ad = "mamori/identity/v1|";
  ad += owner;
  ad += '|';
  ad += field;
  return ad;
}

Status Corrupt(std::string_view field) {
  return Status::DataLoss("a sealed " + std::string(field) + " value does not open",
                          "暗号化された " + std::string(field) + " を復号できません",
                          std::string(field));
}

}  // namespace

Result<Sealer> Sealer::Create(const crypto::SecretBytes& key) {
  if (key.size() != crypto::kAeadKeySize) {
    return Fail(Status::InvalidArgument("the identity key must be 32 bytes",
                                        "識別情報の鍵は32バイトでなければなりません", "key"));
  }
  Sealer s;
  MAMORI_ASSIGN_OR_RETURN(s.seal_key_, crypto::HkdfSha256(key, "", "mamori/identity/seal/v1", 32));
  MAMORI_ASSIGN_OR_RETURN(s.ref_key_,
                          crypto::HkdfSha256(key, "", "mamori/identity/reference/v1", 32));
  return s;
}

Result<std::string> Sealer::Seal(std::string_view owner, std::string_view field,
                                 std::string_view plaintext) const {
  MAMORI_ASSIGN_OR_RETURN(auto sealed,
                          crypto::AeadSeal(seal_key_, plaintext, AssociatedData(owner, field)));
  return Base64Encode(sealed);
}

Result<std::string> Sealer::SealSecret(std::string_view owner, std::string_view field,
                                       const crypto::SecretBytes& secret) const {
  MAMORI_ASSIGN_OR_RETURN(auto sealed,
                          crypto::AeadSealSecret(seal_key_, secret, AssociatedData(owner, field)));
  return Base64Encode(sealed);
}

Result<std::string> Sealer::Open(std::string_view owner, std::string_view field,
                                 std::string_view sealed) const {
  auto raw = Base64Decode(sealed);
  if (!raw) return Fail(Corrupt(field));
  auto opened = crypto::AeadOpen(seal_key_, *raw, AssociatedData(owner, field));
  if (!opened) return Fail(Corrupt(field));
  return opened;
}

Result<crypto::SecretBytes> Sealer::OpenSecret(std::string_view owner, std::string_view field,
                                               std::string_view sealed) const {
  auto raw = Base64Decode(sealed);
  if (!raw) return Fail(Corrupt(field));
  auto opened = crypto::AeadOpenSecret(seal_key_, *raw, AssociatedData(owner, field));
  if (!opened) return Fail(Corrupt(field));
  return opened;
}

std::string Sealer::Reference(std::string_view kind, std::string_view value) const {
  std::string msg(kind);
  msg += '\0';
  msg += value;
  const auto mac = crypto::HmacSha256(ref_key_, msg);
  crypto::WipeString(msg);
  return HexEncode(crypto::DigestView(mac).substr(0, 16));
}

}  // namespace mamori::identity
