#include "keys/pkcs11_signer.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "crypto/secret.h"
#include "keys/root_key.h"

// The GNU spelling of p11-kit's header: lower-case names and no
// compatibility macros (which would redefine words such as `value` and
// `count` for everything included after it).
#define CRYPTOKI_GNU 1
#include <p11-kit/pkcs11.h>

namespace mamori::keys {
namespace {

// DER of the OID 1.2.840.10045.3.1.7 (prime256v1), as CKA_EC_PARAMS holds it.
constexpr unsigned char kP256Params[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x03, 0x01, 0x07};

std::string Rv(ck_rv_t rv) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "CKR 0x%lx", static_cast<unsigned long>(rv));
  return buf;
}

Status TokenError(const char* function, ck_rv_t rv) {
  return Status::Unavailable(
      std::string("PKCS#11 ") + function + " failed (" + Rv(rv) + ")",
      std::string("PKCS#11 の ") + function + " が失敗しました (" + Rv(rv) + ")", "pkcs11");
}

// CK_TOKEN_INFO.label: 32 bytes padded with spaces.
std::string TokenLabel(const unsigned char (&label)[32]) {
  std::string s(reinterpret_cast<const char*>(label), sizeof label);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

// The contents of a DER OCTET STRING (short or long length form); nullopt
// when `der` is not exactly one. Some modules give CKA_EC_POINT raw, so the
// caller also accepts a bare point.
std::optional<std::string> OctetString(const std::string& der) {
  if (der.size() < 2 || static_cast<unsigned char>(der[0]) != 0x04) return std::nullopt;
  size_t len = static_cast<unsigned char>(der[1]);
  size_t at = 2;
  if (len & 0x80) {
    const size_t n = len & 0x7f;
    if (n == 0 || n > 2 || der.size() < 2 + n) return std::nullopt;
    len = 0;
    for (size_t i = 0; i < n; ++i) len = len << 8 | static_cast<unsigned char>(der[2 + i]);
    at = 2 + n;
  }
  if (der.size() != at + len) return std::nullopt;
  return der.substr(at);
}

class Pkcs11Signer final : public AuditSigner {
 public:
  ~Pkcs11Signer() override {
    if (fns_ != nullptr) {
      if (session_open_) {
        if (logged_in_) fns_->C_Logout(session_);
        fns_->C_CloseSession(session_);
      }
      if (initialized_) fns_->C_Finalize(nullptr);
    }
    if (handle_ != nullptr) ::dlclose(handle_);
  }

  static Result<std::unique_ptr<AuditSigner>> Open(const Pkcs11Options& o) {
    std::unique_ptr<Pkcs11Signer> s(new Pkcs11Signer(o));
    MAMORI_RETURN_IF_ERROR(s->Load());
    MAMORI_RETURN_IF_ERROR(s->OpenSession());
    MAMORI_RETURN_IF_ERROR(s->Login());
    MAMORI_RETURN_IF_ERROR(s->FindKeys());
    // One signature checked against the public key now, so a key pair whose
    // halves do not belong together is refused at start, not at the first head.
    MAMORI_ASSIGN_OR_RETURN(std::string probe, s->Sign("mamori pkcs11 key check"));
    (void)probe;
    return std::unique_ptr<AuditSigner>(std::move(s));
  }

  Result<std::string> Sign(std::string_view message) override {
    const crypto::Digest digest = crypto::Sha256(message);
    unsigned char raw[64];
    unsigned long raw_len = sizeof raw;
    {
      std::lock_guard lock(mu_);
      ck_mechanism mech{CKM_ECDSA, nullptr, 0};
      ck_rv_t rv = fns_->C_SignInit(session_, &mech, private_key_);
      if (rv != CKR_OK) return Fail(TokenError("C_SignInit", rv));
      rv = fns_->C_Sign(session_, const_cast<unsigned char*>(digest.data()), digest.size(), raw,
                        &raw_len);
      if (rv != CKR_OK) return Fail(TokenError("C_Sign", rv));
    }
    MAMORI_ASSIGN_OR_RETURN(std::string der, crypto::EcdsaSignatureDerFromRaw(std::string_view(
                                                 reinterpret_cast<char*>(raw), raw_len)));
    if (!public_key_->Verify(message, der).ok()) {
      return Fail(Status::DataLoss(
          "the PKCS#11 key " + options_.key_label +
              " made a signature its public key object does not verify: the two objects are not "
              "one key pair",
          "PKCS#11 の鍵 " + options_.key_label +
              " の署名を同じラベルの公開鍵で検証できません（鍵ペアが一致しません）",
          "pkcs11"));
    }
    return der;
  }

  const crypto::EcdsaP256PublicKey& PublicKey() const override { return *public_key_; }

  std::string Describe() const override {
    return "pkcs11:" + options_.module + " token=" + options_.token + " key=" + options_.key_label;
  }

 private:
  explicit Pkcs11Signer(Pkcs11Options o) : options_(std::move(o)) {}

  Status Load() {
    handle_ = ::dlopen(options_.module.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      return Status::NotFound("cannot load the PKCS#11 module " + options_.module,
                              "PKCS#11 モジュールを読み込めません: " + options_.module,
                              "audit-pkcs11-module");
    }
    auto get = reinterpret_cast<ck_rv_t (*)(struct ck_function_list**)>(
        ::dlsym(handle_, "C_GetFunctionList"));
    if (get == nullptr || get(&fns_) != CKR_OK || fns_ == nullptr) {
      fns_ = nullptr;
      return Status::InvalidArgument(
          options_.module + " is not a PKCS#11 module (no C_GetFunctionList)",
          options_.module + " は PKCS#11 モジュールではありません", "audit-pkcs11-module");
    }
    ck_c_initialize_args args{};
    args.flags = CKF_OS_LOCKING_OK;
    const ck_rv_t rv = fns_->C_Initialize(&args);
    if (rv == CKR_OK) {
      initialized_ = true;
    } else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      return TokenError("C_Initialize", rv);
    }
    return Status::Ok();
  }

  Status OpenSession() {
    unsigned long n = 0;
    ck_rv_t rv = fns_->C_GetSlotList(1, nullptr, &n);
    if (rv != CKR_OK) return TokenError("C_GetSlotList", rv);
    std::vector<ck_slot_id_t> slots(n);
    rv = fns_->C_GetSlotList(1, slots.data(), &n);
    if (rv != CKR_OK) return TokenError("C_GetSlotList", rv);
    slots.resize(n);
    for (ck_slot_id_t slot : slots) {
      ck_token_info info{};
      if (fns_->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
      if (TokenLabel(info.label) != options_.token) continue;
      rv = fns_->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session_);
      if (rv != CKR_OK) return TokenError("C_OpenSession", rv);
      session_open_ = true;
      return Status::Ok();
    }
    return Status::NotFound(
        "no PKCS#11 token labelled " + options_.token + " in " + options_.module,
        "ラベル " + options_.token + " の PKCS#11 トークンがありません", "audit-pkcs11-token");
  }

  Status Login() {
    MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes pin, ReadSecretFile(options_.pin_file));
    const ck_rv_t rv = fns_->C_Login(session_, CKU_USER, pin.data(), pin.size());
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE) {
      return Status::Unauthenticated(
          "the PIN in " + options_.pin_file + " is not the token's user PIN",
          options_.pin_file + " の PIN がトークンのユーザPINと一致しません",
          "audit-pkcs11-pin-file");
    }
    if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) return TokenError("C_Login", rv);
    logged_in_ = rv == CKR_OK;
    return Status::Ok();
  }

  // The handles of objects of `cls` labelled with the key label.
  Result<std::vector<ck_object_handle_t>> Find(ck_object_class_t cls) {
    std::string label = options_.key_label;
    ck_attribute tmpl[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_LABEL, label.data(), label.size()}};
    ck_rv_t rv = fns_->C_FindObjectsInit(session_, tmpl, 2);
    if (rv != CKR_OK) return Fail(TokenError("C_FindObjectsInit", rv));
    std::vector<ck_object_handle_t> found(4);
    unsigned long n = 0;
    rv = fns_->C_FindObjects(session_, found.data(), found.size(), &n);
    fns_->C_FindObjectsFinal(session_);
    if (rv != CKR_OK) return Fail(TokenError("C_FindObjects", rv));
    found.resize(n);
    return found;
  }

  Result<std::string> Attribute(ck_object_handle_t object, ck_attribute_type_t type) {
    ck_attribute a{type, nullptr, 0};
    ck_rv_t rv = fns_->C_GetAttributeValue(session_, object, &a, 1);
    if (rv != CKR_OK) return Fail(TokenError("C_GetAttributeValue", rv));
    std::string out(a.value_len, '\0');
    a.value = out.data();
    rv = fns_->C_GetAttributeValue(session_, object, &a, 1);
    if (rv != CKR_OK) return Fail(TokenError("C_GetAttributeValue", rv));
    out.resize(a.value_len);
    return out;
  }

  Status FindKeys() {
    const auto one = [&](ck_object_class_t cls, const char* en,
                         const char* ja) -> Result<ck_object_handle_t> {
      MAMORI_ASSIGN_OR_RETURN(auto found, Find(cls));
      if (found.size() != 1) {
        return Fail(
            Status::NotFound((found.empty() ? "no " : "more than one ") + std::string(en) +
                                 " labelled " + options_.key_label + " on token " + options_.token,
                             "トークン " + options_.token + " にラベル " + options_.key_label +
                                 " の" + ja + (found.empty() ? "がありません" : "が複数あります"),
                             "audit-pkcs11-key"));
      }
      return found.front();
    };
    MAMORI_ASSIGN_OR_RETURN(private_key_, one(CKO_PRIVATE_KEY, "private key", "秘密鍵"));
    MAMORI_ASSIGN_OR_RETURN(ck_object_handle_t pub, one(CKO_PUBLIC_KEY, "public key", "公開鍵"));
    MAMORI_ASSIGN_OR_RETURN(std::string key_type, Attribute(private_key_, CKA_KEY_TYPE));
    ck_key_type_t kt = 0;
    MAMORI_ASSIGN_OR_RETURN(std::string params, Attribute(pub, CKA_EC_PARAMS));
    if (key_type.size() == sizeof kt) std::memcpy(&kt, key_type.data(), sizeof kt);
    if (kt != CKK_EC || params != std::string_view(reinterpret_cast<const char*>(kP256Params),
                                                   sizeof kP256Params)) {
      return Status::InvalidArgument(
          "the PKCS#11 key " + options_.key_label + " is not an EC P-256 (prime256v1) key",
          "PKCS#11 の鍵 " + options_.key_label + " が EC P-256（prime256v1）の鍵ではありません",
          "audit-pkcs11-key");
    }
    MAMORI_ASSIGN_OR_RETURN(std::string point, Attribute(pub, CKA_EC_POINT));
    auto key =
        crypto::EcdsaP256PublicKey::FromUncompressedPoint(OctetString(point).value_or(point));
    if (!key) return key.error();
    public_key_.emplace(std::move(*key));
    return Status::Ok();
  }

  Pkcs11Options options_;
  void* handle_ = nullptr;
  struct ck_function_list* fns_ = nullptr;
  bool initialized_ = false;
  bool session_open_ = false;
  bool logged_in_ = false;
  ck_session_handle_t session_ = 0;
  ck_object_handle_t private_key_ = 0;
  std::optional<crypto::EcdsaP256PublicKey> public_key_;
  std::mutex mu_;  // one operation at a time on the session
};

}  // namespace

Result<std::unique_ptr<AuditSigner>> OpenPkcs11Signer(const Pkcs11Options& options) {
  return Pkcs11Signer::Open(options);
}

}  // namespace mamori::keys
