#include "engine/takeout_store.h"

#include "core/encoding.h"
#include "crypto/hash.h"
#include "engine/envelope.h"

namespace mamori::engine {

namespace {

constexpr std::string_view kMacLabel = "mamori/takeout/v1";

nlohmann::json TakeoutMembers(const TakeoutRecord& r) {
  nlohmann::json approvers = nlohmann::json::array();
  for (const auto& a : r.approvers) approvers.push_back({{"person", a.person}, {"role", a.role}});
  return {{"id", r.id},
          {"dataset", r.dataset},
          {"purpose", r.purpose},
          {"exported_by", r.exported_by},
          {"terminal", r.terminal},
          {"exported_at", FormatUtc(r.exported_at)},
          {"approval", r.approval},
          {"approvers", approvers},
          {"recipient_fingerprint", r.recipient_fingerprint},
          {"recipient_key", r.recipient_key},
          {"recipient_internal", r.recipient_internal},
          {"until", FormatDate(r.until)},
          {"records", r.records},
          {"fields", r.fields},
          {"destroy_only", r.destroy_only},
          {"manifest_sha256", r.manifest_sha256},
          {"content_sha256", r.content_sha256},
          {"file_sha256", r.file_sha256},
          {"export_seq", r.export_seq},
          {"state", r.state},
          {"confirmed_by", r.confirmed_by},
          {"confirmed_at", r.confirmed_at ? FormatUtc(r.confirmed_at) : std::string()},
          {"confirm_seq", r.confirm_seq}};
}

std::string TakeoutMac(const crypto::SecretBytes& key, std::string_view id,
                       const nlohmann::json& members) {
  std::string input(kMacLabel);
  input += '\0';
  input += id;
  input += '\0';
  input += members.dump();  // objects are ordered by member name: one encoding
  return HexEncode(crypto::DigestView(crypto::HmacSha256(key, input)));
}

Status TakeoutCorrupt(std::string_view id, std::string_view what_en, std::string_view what_ja) {
  const std::string named = IsTakeoutId(id) ? std::string(id) : std::string("(invalid id)");
  return Status::DataLoss("the stored take-out record " + named + " " + std::string(what_en),
                          "保存された持ち出し記録 " + named + " " + std::string(what_ja),
                          "takeout");
}

}  // namespace

bool IsTakeoutId(std::string_view id) { return IsRecordId(id); }

std::string EncodeTakeout(const crypto::SecretBytes& key, const TakeoutRecord& r) {
  nlohmann::json j = TakeoutMembers(r);
  j["m"] = TakeoutMac(key, r.id, j);
  return j.dump();
}

Result<TakeoutRecord> DecodeTakeout(const crypto::SecretBytes& key, std::string_view id,
                                    std::string_view bytes) {
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("m") || !j["m"].is_string()) {
    return Fail(TakeoutCorrupt(id, "does not parse", "を解析できません"));
  }
  const std::string mac = j["m"].get<std::string>();
  j.erase("m");
  const std::string expected = TakeoutMac(key, id, j);
  if (!crypto::ConstantTimeEquals(mac, expected)) {
    return Fail(TakeoutCorrupt(id, "fails its authentication code (altered or moved)",
                               "の認証コードが一致しません (改変または移動)"));
  }
  TakeoutRecord r;
  try {
    r.id = j.at("id").get<std::string>();
    r.dataset = j.at("dataset").get<std::string>();
    r.purpose = j.at("purpose").get<std::string>();
    r.exported_by = j.at("exported_by").get<std::string>();
    r.terminal = j.at("terminal").get<std::string>();
    r.exported_at = ParseUtc(j.at("exported_at").get<std::string>()).value_or(0);
    r.approval = j.at("approval").get<std::string>();
    for (const auto& a : j.at("approvers")) {
      r.approvers.push_back({a.at("person").get<std::string>(), a.at("role").get<std::string>()});
    }
    r.recipient_fingerprint = j.at("recipient_fingerprint").get<std::string>();
    r.recipient_key = j.at("recipient_key").get<std::string>();
    r.recipient_internal = j.at("recipient_internal").get<bool>();
    auto until = ParseDate(j.at("until").get<std::string>());
    if (!until) return Fail(TakeoutCorrupt(id, "has no valid until date", "の期限が不正です"));
    r.until = *until;
    r.records = j.at("records").get<uint64_t>();
    r.fields = j.at("fields").get<std::vector<std::string>>();
    r.destroy_only = j.at("destroy_only").get<bool>();
    r.manifest_sha256 = j.at("manifest_sha256").get<std::string>();
    r.content_sha256 = j.at("content_sha256").get<std::string>();
    r.file_sha256 = j.at("file_sha256").get<std::string>();
    r.export_seq = j.at("export_seq").get<uint64_t>();
    r.state = j.at("state").get<std::string>();
    r.confirmed_by = j.at("confirmed_by").get<std::string>();
    const std::string confirmed_at = j.at("confirmed_at").get<std::string>();
    r.confirmed_at = confirmed_at.empty() ? 0 : ParseUtc(confirmed_at).value_or(0);
    r.confirm_seq = j.at("confirm_seq").get<uint64_t>();
  } catch (const nlohmann::json::exception&) {
    return Fail(TakeoutCorrupt(id, "lacks a member or has one of the wrong type",
                               "の項目が欠けているか型が不正です"));
  }
  if (r.id != id) return Fail(TakeoutCorrupt(id, "names another id", "が別のIDを名乗っています"));
  return r;
}

std::string_view TakeoutDispositionName(TakeoutDisposition d) {
  return d == TakeoutDisposition::kReturned ? "returned" : "destroyed";
}

nlohmann::json TakeoutRecord::ToJson(CivilDate today) const {
  nlohmann::json j = TakeoutMembers(*this);
  j["exported_at"] = FormatJst(exported_at);
  j["confirmed_at"] = confirmed_at ? FormatJst(confirmed_at) : std::string();
  j["state_ja"] = state == "out" ? "持出中" : state == "returned" ? "返却済" : "廃棄済";
  j["overdue"] = Open() && until < today;
  return j;
}

}  // namespace mamori::engine
