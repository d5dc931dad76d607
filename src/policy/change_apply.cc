#include "policy/change_apply.h"

#include "audit/event.h"
#include "engine/dataset.h"
#include "policy/keyspace.h"
#include "policy/records.h"
#include "policy/rights_admin.h"

namespace mamori::policy {
namespace {

Status Precondition(std::string_view code, const std::string& en, const std::string& ja) {
  return Status::FailedPrecondition(en, ja, std::string(code));
}

Result<Grant> ActiveGrant(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto grant, ReadGrant(txn, id));
  if (!grant) {
    return Fail(Status::NotFound("no grant " + audit::EventIdentifier(id),
                                 "権限 " + audit::EventIdentifier(id) + " はありません", "grant"));
  }
  if (!grant->active) {
    return Fail(Precondition(kGrantInactive, "grant " + grant->id + " has been removed",
                             "権限 " + grant->id + " は削除済みです"));
  }
  return *grant;
}

// Refuses a right whose key an active grant other than `except` already has.
Status CheckNoDuplicate(store::ReadTxn& txn, const Right& right, std::string_view except) {
  MAMORI_ASSIGN_OR_RETURN(auto all, ScanJson(txn, keyspace::kGrants));
  for (const auto& json : all) {
    MAMORI_ASSIGN_OR_RETURN(Grant g, GrantFromJson(json));
    if (g.active && g.id != except && g.right.SameKey(right)) {
      return Precondition(kDuplicateGrant, "grant " + g.id + " already gives this right",
                          "権限 " + g.id + " が同じ権限をすでに付与しています");
    }
  }
  return Status::Ok();
}

Status CheckVersion(const Grant& g, const ChangeRequest& req) {
  if (g.version == req.grant_version) return Status::Ok();
  return Precondition(
      kStaleRequest, "grant " + g.id + " changed after request " + req.id + "; request again",
      "申請 " + req.id + " の後に権限 " + g.id + " が変更されました。再申請してください");
}

std::string MaskKey(const MaskScope& scope) {
  return scope.type ? keyspace::MaskType(engine::FieldTypeName(*scope.type))
                    : keyspace::MaskField(scope.dataset, scope.field);
}

}  // namespace

Result<std::optional<Grant>> ReadGrant(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto json, ReadJson(txn, keyspace::Grant(id)));
  if (!json) return std::optional<Grant>();
  MAMORI_ASSIGN_OR_RETURN(Grant g, GrantFromJson(*json));
  return std::optional<Grant>(std::move(g));
}

Result<std::optional<ChangeRequest>> ReadRequest(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto json, ReadJson(txn, keyspace::Request(id)));
  if (!json) return std::optional<ChangeRequest>();
  MAMORI_ASSIGN_OR_RETURN(ChangeRequest r, ChangeFromJson(*json));
  return std::optional<ChangeRequest>(std::move(r));
}

Status WriteGrant(store::WriteTxn& txn, const Grant& grant) {
  return WriteJson(txn, keyspace::Grant(grant.id), GrantToJson(grant));
}

Status WriteRequest(store::WriteTxn& txn, const ChangeRequest& req) {
  return WriteJson(txn, keyspace::Request(req.id), ChangeToJson(req));
}

Status PrepareRequest(store::ReadTxn& txn, ChangeRequest& req) {
  switch (req.kind) {
    case ChangeKind::kGrant:
      return CheckNoDuplicate(txn, *req.right, "");
    case ChangeKind::kChange: {
      MAMORI_ASSIGN_OR_RETURN(Grant g, ActiveGrant(txn, req.grant_id));
      req.previous = g.right;
      req.grant_version = g.version;
      return CheckNoDuplicate(txn, *req.right, g.id);
    }
    case ChangeKind::kRemoval: {
      MAMORI_ASSIGN_OR_RETURN(Grant g, ActiveGrant(txn, req.grant_id));
      req.right = g.right;
      req.grant_version = g.version;
      return Status::Ok();
    }
    case ChangeKind::kReinstate: {
      MAMORI_ASSIGN_OR_RETURN(Grant g, ActiveGrant(txn, req.grant_id));
      req.right = g.right;
      MAMORI_ASSIGN_OR_RETURN(auto excluded, txn.Get(keyspace::Exclusion(g.id, req.person)));
      if (!excluded) {
        return Precondition(kNotRevoked, "the person's use of grant " + g.id + " is not revoked",
                            "この人の権限 " + g.id + " は取り消されていません");
      }
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

Status ApplyChange(store::WriteTxn& txn, ChangeRequest& req, TimeMicros now) {
  switch (req.kind) {
    case ChangeKind::kGrant: {
      MAMORI_RETURN_IF_ERROR(CheckNoDuplicate(txn, *req.right, ""));
      Grant g;
      MAMORI_ASSIGN_OR_RETURN(g.id, NextId(txn, "grant", 'G'));
      g.right = *req.right;
      g.since = now;
      g.request = req.id;
      g.history = {req.id};
      req.grant_id = g.id;
      MAMORI_RETURN_IF_ERROR(WriteGrant(txn, g));
      break;
    }
    case ChangeKind::kChange:
    case ChangeKind::kRemoval: {
      MAMORI_ASSIGN_OR_RETURN(Grant g, ActiveGrant(txn, req.grant_id));
      MAMORI_RETURN_IF_ERROR(CheckVersion(g, req));
      if (req.kind == ChangeKind::kChange) {
        MAMORI_RETURN_IF_ERROR(CheckNoDuplicate(txn, *req.right, g.id));
        g.right = *req.right;
        g.version += 1;
        g.since = now;
        g.request = req.id;
      } else {
        g.active = false;
        g.ended = now;
      }
      g.history.push_back(req.id);
      MAMORI_RETURN_IF_ERROR(WriteGrant(txn, g));
      break;
    }
    case ChangeKind::kReinstate: {
      MAMORI_RETURN_IF_ERROR(PrepareRequest(txn, req));
      MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Exclusion(req.grant_id, req.person)));
      break;
    }
    case ChangeKind::kRevocation: {
      MAMORI_ASSIGN_OR_RETURN(Grant g, ActiveGrant(txn, req.grant_id));
      req.right = g.right;
      MAMORI_RETURN_IF_ERROR(WriteJson(txn, keyspace::Exclusion(g.id, req.person),
                                       {{"request", req.id}, {"at", FormatUtc(now)}}));
      break;
    }
    case ChangeKind::kMaskRule: {
      const std::string key = MaskKey(*req.mask_scope);
      MAMORI_RETURN_IF_ERROR(req.mask_rule ? WriteJson(txn, key, MaskRuleToJson(*req.mask_rule))
                                           : txn.Delete(key));
      break;
    }
    case ChangeKind::kRoleAdd:
    case ChangeKind::kRoleRemove:
    case ChangeKind::kCredentialReset:
      // Made in identity by the flow, in this transaction (rights_admin.cc,
      // rights_gate.cc); the version bump below makes every process see it.
      break;
    case ChangeKind::kTerminals: {
      const std::string key = keyspace::Terminals(req.dataset);
      MAMORI_RETURN_IF_ERROR(req.terminals.empty()
                                 ? txn.Delete(key)
                                 : WriteJson(txn, key, nlohmann::json(req.terminals)));
      break;
    }
  }
  return BumpVersion(txn);
}

void DescribeChange(const ChangeRequest& req, audit::Event& ev) {
  ev.attrs["kind"] = std::string(ChangeKindName(req.kind));
  if (!req.id.empty()) ev.attrs["request"] = req.id;
  // Ids a requester typed are recorded only when they are ids.
  using audit::EventIdentifier;
  if (!req.grant_id.empty()) ev.attrs["grant"] = EventIdentifier(req.grant_id);
  if (!req.person.empty()) ev.attrs["person"] = EventIdentifier(req.person);
  if (!req.role.empty()) ev.attrs["role"] = EventIdentifier(req.role);
  if (!req.credential.empty()) ev.attrs["credential"] = EventIdentifier(req.credential);
  if (req.right) {
    const Right& r = *req.right;
    ev.attrs["role"] = EventIdentifier(r.role);
    ev.attrs["category"] = EventIdentifier(r.category);
    ev.attrs["right_dataset"] = EventIdentifier(r.dataset);
    ev.attrs["right_operation"] = std::string(OperationName(r.operation));
    if (!r.purpose.empty()) ev.attrs["right_purpose"] = EventIdentifier(r.purpose);
    if (r.unmask) ev.attrs["unmask"] = "true";
    // The department is text, kept in the register; the event says that
    // the right is designated, and to which person ids.
    if (!r.department.empty()) ev.attrs["right_designated"] = "department";
    if (!r.persons.empty()) {
      std::string ids;
      for (const auto& p : r.persons) ids += (ids.empty() ? "" : ",") + p;
      ev.attrs["right_persons"] = EventIdentifier(ids);
    }
    if (engine::IsValidName(r.dataset)) ev.dataset = r.dataset;
  }
  if (req.mask_scope) {
    ev.attrs["mask_scope"] = audit::EventJsonAttr(MaskScopeToJson(*req.mask_scope).dump());
    if (engine::IsValidName(req.mask_scope->dataset)) ev.dataset = req.mask_scope->dataset;
  }
  if (req.kind == ChangeKind::kMaskRule) {
    ev.attrs["mask_rule"] =
        req.mask_rule ? audit::EventJsonAttr(MaskRuleToJson(*req.mask_rule).dump()) : "default";
  }
  if (req.kind == ChangeKind::kTerminals) {
    if (engine::IsValidName(req.dataset)) ev.dataset = req.dataset;
    std::string ids;
    for (const auto& t : req.terminals) ids += (ids.empty() ? "" : ",") + t;
    ev.attrs["terminals"] = EventIdentifier(ids);
  }
}

}  // namespace mamori::policy
