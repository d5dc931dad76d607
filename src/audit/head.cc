#include "audit/head.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "audit/jcs.h"
#include "core/encoding.h"

namespace mamori::audit {
namespace {

std::string RootHex(const crypto::Digest& d) { return HexEncode(crypto::DigestView(d)); }

Status BadMember(const std::string& key, std::string_view what_en, std::string_view what_ja) {
  return Status::InvalidArgument(
      "signed tree head member \"" + key + "\" must be " + std::string(what_en),
      "署名付きツリーヘッドの \"" + key + "\" は" + std::string(what_ja) + "でなければなりません",
      key);
}

}  // namespace

std::string SignedHeadMessage(const SignedTreeHead& sth) {
  jcs::ObjectWriter w;
  w.String("key", sth.key_fingerprint);
  w.String("root", RootHex(sth.root));
  w.Uint("size", sth.size);
  w.String("time", FormatUtc(sth.time));
  w.String("type", kSignedHeadType);
  return w.Finish();
}

Status VerifySignedHead(const SignedTreeHead& sth, const crypto::EcdsaP256PublicKey& key) {
  if (key.Fingerprint() != sth.key_fingerprint) {
    return Status::DataLoss(
        "signed tree head names key " + sth.key_fingerprint + ", not the key it is checked against",
        "署名付きツリーヘッドの鍵 " + sth.key_fingerprint + " が検証に使う鍵と異なります");
  }
  if (Status s = key.Verify(SignedHeadMessage(sth), sth.signature); !s.ok()) {
    return Status::DataLoss("signed tree head signature does not verify",
                            "署名付きツリーヘッドの署名が検証できません");
  }
  return Status::Ok();
}

std::string SignedHeadJson(const SignedTreeHead& sth) {
  jcs::ObjectWriter w;
  w.String("key", sth.key_fingerprint);
  w.String("root", RootHex(sth.root));
  w.String("signature", Base64Encode(sth.signature));
  w.Uint("size", sth.size);
  w.String("time", FormatUtc(sth.time));
  return w.Finish();
}

nlohmann::json SignedHeadToJson(const SignedTreeHead& sth) {
  return nlohmann::json{{"key", sth.key_fingerprint},
                        {"root", RootHex(sth.root)},
                        {"signature", Base64Encode(sth.signature)},
                        {"size", sth.size},
                        {"time", FormatUtc(sth.time)}};
}

Result<SignedTreeHead> SignedHeadFromJson(const nlohmann::json& j) {
  if (!j.is_object()) {
    return Fail(
        Status::InvalidArgument("signed tree head must be a JSON object",
                                "署名付きツリーヘッドはJSONオブジェクトでなければなりません"));
  }
  SignedTreeHead sth;
  int seen = 0;
  for (const auto& [key, value] : j.items()) {
    const std::string* s = value.is_string() ? &value.get_ref<const std::string&>() : nullptr;
    if (key == "key") {
      if (!s || s->empty()) return Fail(BadMember(key, "a key fingerprint", "鍵の指紋"));
      sth.key_fingerprint = *s;
    } else if (key == "root") {
      const auto raw = s ? HexDecode(*s) : std::nullopt;
      if (!raw || raw->size() != sth.root.size() || *s != HexEncode(*raw)) {
        return Fail(BadMember(key, "64 lower-case hex digits", "小文字16進64桁"));
      }
      std::memcpy(sth.root.data(), raw->data(), sth.root.size());
    } else if (key == "signature") {
      const auto raw = s ? Base64Decode(*s) : std::nullopt;
      if (!raw || raw->empty()) return Fail(BadMember(key, "base64 DER", "base64のDER"));
      sth.signature = *raw;
    } else if (key == "size") {
      if (!value.is_number_unsigned())
        return Fail(BadMember(key, "an unsigned integer", "非負整数"));
      sth.size = value.get<uint64_t>();
    } else if (key == "time") {
      const auto t = s ? ParseUtc(*s) : std::nullopt;
      if (!t) return Fail(BadMember(key, "a UTC time", "UTC時刻"));
      sth.time = *t;
    } else {
      return Fail(Status::InvalidArgument(
          "signed tree head has an unknown member \"" + key + "\"",
          "署名付きツリーヘッドに不明な項目 \"" + key + "\" があります", key));
    }
    ++seen;
  }
  if (seen != 5) {
    return Fail(Status::InvalidArgument(
        "signed tree head needs key, root, signature, size and time",
        "署名付きツリーヘッドには key、root、signature、size、time が必要です"));
  }
  return sth;
}

}  // namespace mamori::audit
