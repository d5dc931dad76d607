#include "identity/identity_policy.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "audit/event.h"
#include "identity/identity_audit.h"
#include "identity/keyspace.h"
#include "identity/roles.h"

namespace mamori::identity {
namespace {

using nlohmann::json;

Status OutOfRange(std::string_view name, uint32_t lo, uint32_t hi, std::string_view note = {}) {
  std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  if (!note.empty()) range += std::string(" ") + std::string(note);
  return Status::InvalidArgument(
      "policy parameter " + std::string(name) + " must be in " + range,
      "ポリシーの " + std::string(name) + " は " + range + " の範囲で指定してください",
      "policy." + std::string(name));
}

bool In(uint32_t v, uint32_t lo, uint32_t hi) { return v >= lo && v <= hi; }

}  // namespace

bool IdentityPolicy::TotpRequired(const std::vector<std::string>& roles,
                                  const Terminal& terminal) const {
  if (totp_outside_controlled_area && !terminal.controlled_area) return true;
  for (const auto& r : roles) {
    if (std::find(totp_roles.begin(), totp_roles.end(), r) != totp_roles.end()) return true;
  }
  return false;
}

Status ValidatePolicy(const IdentityPolicy& p) {
  if (!In(p.min_length, 8, 128)) return OutOfRange("min_length", 8, 128);
  if (!In(p.min_classes, 1, 4)) return OutOfRange("min_classes", 1, 4);
  if (!In(p.history, 0, 24)) return OutOfRange("history", 0, 24);
  if (p.expiry_days != 0 && !In(p.expiry_days, 1, 730)) {
    return OutOfRange("expiry_days", 1, 730, "(or 0 for no expiry)");
  }
  if (!In(p.lockout_threshold, 1, 100)) return OutOfRange("lockout_threshold", 1, 100);
  if (p.lockout_minutes != 0 && !In(p.lockout_minutes, 1, 10080)) {
    return OutOfRange("lockout_minutes", 1, 10080, "(or 0 for until an administrator unlocks)");
  }
  if (!In(p.idle_timeout_minutes, 1, 240)) return OutOfRange("idle_timeout_minutes", 1, 240);
  if (!In(p.session_lifetime_minutes, p.idle_timeout_minutes, 1440)) {
    return OutOfRange("session_lifetime_minutes", p.idle_timeout_minutes, 1440,
                      "(at least idle_timeout_minutes)");
  }
  for (const auto& r : p.totp_roles) {
    if (!IsValidRole(r)) {
      Status s = CheckRole(r);
      return Status::InvalidArgument(s.message(), s.message_ja(), "policy.totp_roles");
    }
  }
  return Status::Ok();
}

json PolicyToJson(const IdentityPolicy& p) {
  return {{"min_length", p.min_length},
          {"min_classes", p.min_classes},
          {"history", p.history},
          {"expiry_days", p.expiry_days},
          {"lockout_threshold", p.lockout_threshold},
          {"lockout_minutes", p.lockout_minutes},
          {"idle_timeout_minutes", p.idle_timeout_minutes},
          {"session_lifetime_minutes", p.session_lifetime_minutes},
          {"totp_roles", p.totp_roles},
          {"totp_outside_controlled_area", p.totp_outside_controlled_area}};
}

Result<IdentityPolicy> PolicyFromJson(const json& j, const IdentityPolicy& base) {
  if (!j.is_object()) {
    return Fail(Status::InvalidArgument("policy must be a JSON object",
                                        "ポリシーは JSON オブジェクトで指定してください",
                                        "policy"));
  }
  IdentityPolicy p = base;
  struct UintMember {
    std::string_view name;
    uint32_t IdentityPolicy::*member;
  };
  static constexpr UintMember kUints[] = {
      {"min_length", &IdentityPolicy::min_length},
      {"min_classes", &IdentityPolicy::min_classes},
      {"history", &IdentityPolicy::history},
      {"expiry_days", &IdentityPolicy::expiry_days},
      {"lockout_threshold", &IdentityPolicy::lockout_threshold},
      {"lockout_minutes", &IdentityPolicy::lockout_minutes},
      {"idle_timeout_minutes", &IdentityPolicy::idle_timeout_minutes},
      {"session_lifetime_minutes", &IdentityPolicy::session_lifetime_minutes},
  };
  for (const auto& [key, value] : j.items()) {
    auto bad = [&](std::string_view type, std::string_view type_ja) {
      return Fail(Status::InvalidArgument(
          "policy parameter " + key + " must be " + std::string(type),
          "ポリシーの " + key + " は" + std::string(type_ja) + "で指定してください",
          "policy." + key));
    };
    const auto* u = std::find_if(std::begin(kUints), std::end(kUints),
                                 [&](const UintMember& m) { return m.name == key; });
    if (u != std::end(kUints)) {
      const bool in_range = value.is_number_unsigned()
                                ? value.get<uint64_t>() <= UINT32_MAX
                                : value.is_number_integer() && value.get<int64_t>() >= 0 &&
                                      value.get<int64_t>() <= static_cast<int64_t>(UINT32_MAX);
      if (!in_range) {
        return bad("a non-negative integer", "0以上の整数");
      }
      p.*(u->member) = value.get<uint32_t>();
    } else if (key == "totp_roles") {
      if (!value.is_array()) return bad("an array of role ids", "ロール ID の配列");
      p.totp_roles.clear();
      for (const auto& r : value) {
        if (!r.is_string()) return bad("an array of role ids", "ロール ID の配列");
        p.totp_roles.push_back(r.get<std::string>());
      }
    } else if (key == "totp_outside_controlled_area") {
      if (!value.is_boolean()) return bad("a boolean", "真偽値");
      p.totp_outside_controlled_area = value.get<bool>();
    } else {
      // The name is the client's: named only when it is an identifier.
      const std::string shown = audit::EventIdentifier(key);
      return Fail(Status::InvalidArgument("unknown policy parameter " + shown,
                                          "未知のポリシー項目です: " + shown, "policy." + shown));
    }
  }
  MAMORI_RETURN_IF_ERROR(ValidatePolicy(p));
  return p;
}

Result<IdentityPolicy> ReadPolicy(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto stored, txn.Get(keyspace::kPolicy));
  if (!stored) return IdentityPolicy{};
  json j = json::parse(*stored, nullptr, false);
  auto p = PolicyFromJson(j);
  if (!p) {
    // Not p.error(): it names members of the stored JSON, which can be
    // anything that was written there.
    return Fail(Status::DataLoss("the stored identity policy does not parse",
                                 "保存された識別・認証ポリシーを解析できません", "policy"));
  }
  return p;
}

Result<IdentityPolicy> GetPolicy(store::Storage& store) {
  IdentityPolicy out;
  MAMORI_RETURN_IF_ERROR(store.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadPolicy(txn));
    return Status::Ok();
  }));
  return out;
}

Status SetPolicy(store::Storage& store, const engine::Context& ctx, const IdentityPolicy& p) {
  const TimeMicros now = internal::Now(ctx);
  const Status valid = ValidatePolicy(p);
  const json j = PolicyToJson(p);
  return internal::RunAudited(store, [&](store::WriteTxn& txn, Status& refusal) -> Status {
    audit::Event ev = internal::MakeEvent(ctx, "identity.policy_set", now);
    for (const auto& [k, v] : j.items()) ev.attrs[k] = v.dump();
    if (!valid.ok()) return internal::Refuse(txn, ev, valid, refusal);
    MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::kPolicy, j.dump()));
    return internal::AppendEvent(txn, ev);
  });
}

}  // namespace mamori::identity
