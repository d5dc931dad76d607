#include "policy/review.h"

#include "policy/holders.h"

#include <algorithm>
#include <map>

#include "policy/change_apply.h"
#include "policy/json_util.h"
#include "policy/keyspace.h"
#include "policy/records.h"
#include "policy/rights_gate.h"
#include "policy/separation.h"
#include "policy/snapshot.h"

namespace mamori::policy {

struct ReviewCampaigns::Plan {
  static constexpr size_t kMembership = static_cast<size_t>(-1);
  struct Entry {
    std::string person;
    size_t grant;  // index into grants, or kMembership
    std::string reviewer;
    std::string role;  // kMembership: the role whose holding is reviewed
  };
  std::vector<Grant> grants;
  std::vector<Entry> entries;
};

namespace {

constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Audits a refused start (nothing is created) and returns the refusal.
Result<Campaign> RefuseStart(store::Storage& storage, const Caller& caller,
                             std::string_view operation, const Status& why) {
  Status refused = RunAudited(storage, MakeEvent(caller, operation),
                              [&](store::WriteTxn&, audit::Event&) { return why; });
  return Fail(refused);
}

Result<Campaign> ReadCampaign(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto json, ReadJson(txn, keyspace::Campaign(id)));
  if (!json) {
    return Fail(Status::NotFound("no review campaign " + std::string(id),
                                 "見直しキャンペーン " + std::string(id) + " はありません",
                                 "campaign"));
  }
  return CampaignFromJson(*json);
}

}  // namespace

Result<ReviewCampaigns::Plan> ReviewCampaigns::PlanItems(CampaignScope scope,
                                                         std::string_view department,
                                                         std::string_view person) {
  Plan plan;
  std::shared_ptr<const Snapshot> snap;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(snap, LoadSnapshot(txn));
    return Status::Ok();
  }));
  for (const auto& [role, grants] : snap->grants_by_role) {
    plan.grants.insert(plan.grants.end(), grants.begin(), grants.end());
  }
  std::sort(plan.grants.begin(), plan.grants.end(),
            [](const Grant& a, const Grant& b) { return a.id < b.id; });

  HolderResolver resolver(directory_);
  std::map<std::string, std::string> reviewer_of;
  std::map<std::string, bool> in_scope;
  // Whether a holder falls in the campaign, and who reviews them.
  auto add = [&](const std::string& holder, size_t grant, std::string role) -> Status {
    if (scope == CampaignScope::kPerson && holder != person) return Status::Ok();
    if (scope == CampaignScope::kDepartment) {
      auto [it, first] = in_scope.try_emplace(holder, false);
      if (first) {
        MAMORI_ASSIGN_OR_RETURN(std::string dept, directory_.DepartmentOf(holder));
        it->second = dept == department;
      }
      if (!it->second) return Status::Ok();
    }
    auto [rev, first] = reviewer_of.try_emplace(holder);
    if (first) {
      MAMORI_ASSIGN_OR_RETURN(auto manager, directory_.ManagerOf(holder));
      if (manager && *manager != holder) rev->second = *manager;
    }
    plan.entries.push_back({holder, grant, rev->second, std::move(role)});
    return Status::Ok();
  };
  for (size_t gi = 0; gi < plan.grants.size(); ++gi) {
    const Grant& g = plan.grants[gi];
    MAMORI_ASSIGN_OR_RETURN(auto holders, resolver.HoldersOf(g.right));
    for (const auto& holder : holders) {
      if (snap->Excluded(g.id, holder)) continue;
      MAMORI_RETURN_IF_ERROR(add(holder, gi, ""));
    }
  }
  // Holding a role that carries rights beyond every role's (managing
  // people, approving, reading evidence) is reviewed like a grant.
  for (std::string_view role : RolesCarryingSystemRights()) {
    MAMORI_ASSIGN_OR_RETURN(auto holders, directory_.HoldersOf(role));
    std::sort(holders.begin(), holders.end());
    holders.erase(std::unique(holders.begin(), holders.end()), holders.end());
    for (const auto& holder : holders) {
      MAMORI_RETURN_IF_ERROR(add(holder, Plan::kMembership, std::string(role)));
    }
  }
  return plan;
}

Result<Campaign> ReviewCampaigns::Create(const Caller& caller, Campaign campaign, const Plan& plan,
                                         std::string_view operation) {
  audit::Event ev = MakeEvent(caller, operation);
  ev.attrs["scope"] = std::string(CampaignScopeName(campaign.scope));
  if (!campaign.department.empty()) ev.attrs["department"] = campaign.department;
  if (!campaign.person.empty()) ev.attrs["person"] = campaign.person;
  if (campaign.change) ev.attrs["change"] = std::string(PersonChangeName(*campaign.change));
  Status s = RunAudited(storage_, ev, [&](store::WriteTxn& txn, audit::Event& e) -> Status {
    MAMORI_ASSIGN_OR_RETURN(campaign.id, NextId(txn, "campaign", 'C'));
    campaign.items = campaign.pending = plan.entries.size();
    if (campaign.items == 0) campaign.completed_at = campaign.started.at;
    for (const auto& entry : plan.entries) {
      ReviewItem item;
      MAMORI_ASSIGN_OR_RETURN(item.id, NextId(txn, "item", 'I'));
      item.campaign = campaign.id;
      item.person = entry.person;
      if (entry.grant == Plan::kMembership) {
        item.role = entry.role;
      } else {
        item.grant = plan.grants[entry.grant].id;
        item.right = plan.grants[entry.grant].right;
      }
      item.reviewer = entry.reviewer;
      item.due = campaign.due;
      MAMORI_RETURN_IF_ERROR(
          WriteJson(txn, keyspace::Item(campaign.id, item.id), ReviewItemToJson(item)));
    }
    if (campaign.change && SuspendsAccess(*campaign.change) && campaign.items > 0) {
      Suspension sus{campaign.id, std::string(PersonChangeName(*campaign.change)),
                     campaign.started.at};
      MAMORI_RETURN_IF_ERROR(
          WriteJson(txn, keyspace::Suspension(campaign.person), SuspensionToJson(sus)));
      MAMORI_RETURN_IF_ERROR(BumpVersion(txn));
      e.attrs["suspended"] = "true";
    }
    MAMORI_RETURN_IF_ERROR(
        WriteJson(txn, keyspace::Campaign(campaign.id), CampaignToJson(campaign)));
    e.attrs["campaign"] = campaign.id;
    e.attrs["items"] = std::to_string(campaign.items);
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  return campaign;
}

Result<Campaign> ReviewCampaigns::Start(const Caller& caller, const CampaignSpec& spec) {
  const TimeMicros now = caller.Now();
  Campaign c;
  c.title = spec.title;
  c.scope = spec.department.empty() ? CampaignScope::kAll : CampaignScope::kDepartment;
  c.department = spec.department;
  c.started = Step{caller.principal.id, caller.principal.display_name, now, spec.title};
  c.due = spec.due ? spec.due : now + kDefaultCampaignDays * kMicrosPerDay;
  Status ok = CheckText(spec.title, true, "title", 256);
  if (ok.ok() && (caller.principal.kind != identity::PrincipalKind::kUser ||
                  !HoldsApproverRole(caller.principal))) {
    ok = Refuse(kNotReviewStarter, "starting a review campaign needs an approving role",
                "見直しキャンペーンの開始には承認ロールが必要です");
  }
  if (ok.ok() && c.due <= now) {
    ok = Status::InvalidArgument("the due time must be in the future", "期限は未来の日時です",
                                 "due");
  }
  if (!ok.ok()) return RefuseStart(storage_, caller, "policy.review.start", ok);
  auto plan = PlanItems(c.scope, c.department, "");
  if (!plan) return RefuseStart(storage_, caller, "policy.review.start", plan.error());
  return Create(caller, std::move(c), *plan, "policy.review.start");
}

Result<Campaign> ReviewCampaigns::StartPersonReview(const Caller& caller, std::string_view person,
                                                    PersonChange change, TimeMicros due) {
  const TimeMicros now = caller.Now();
  const identity::Principal& who = caller.principal;
  Campaign c;
  c.scope = CampaignScope::kPerson;
  c.person = std::string(person);
  c.change = change;
  c.title = "person review: " + std::string(PersonChangeName(change));
  c.started = Step{who.id, who.display_name, now, c.title};
  c.due = due ? due : now + kDefaultPersonReviewDays * kMicrosPerDay;
  Status ok = CheckText(person, true, "person", 256);
  const bool allowed = who.kind == identity::PrincipalKind::kLocalOperator ||
                       (who.kind == identity::PrincipalKind::kUser &&
                        (who.HasRole(kAdminRole) || HoldsApproverRole(who)));
  if (ok.ok() && !allowed) {
    ok = Refuse(kNotReviewStarter,
                "starting a person review needs the local operator, admin or an approving role",
                "個人の権限見直しの開始にはローカル運用者・admin・承認ロールのいずれかが必要です");
  }
  if (!ok.ok()) return RefuseStart(storage_, caller, "policy.review.person", ok);
  auto plan = PlanItems(c.scope, "", person);
  if (!plan) return RefuseStart(storage_, caller, "policy.review.person", plan.error());
  return Create(caller, std::move(c), *plan, "policy.review.person");
}

Result<ReviewItem> ReviewCampaigns::Decide(const Caller& caller, std::string_view campaign_id,
                                           std::string_view item_id, bool revoke,
                                           std::string_view text) {
  const identity::Principal& who = caller.principal;
  audit::Event ev = MakeEvent(caller, revoke ? "policy.review.revoke" : "policy.review.confirm");
  ev.attrs["campaign"] = std::string(campaign_id);
  ev.attrs["item"] = std::string(item_id);
  ReviewItem result;
  Status s = RunAudited(storage_, ev, [&](store::WriteTxn& txn, audit::Event& e) -> Status {
    MAMORI_RETURN_IF_ERROR(CheckText(text, revoke, revoke ? "reason" : "comment"));
    MAMORI_ASSIGN_OR_RETURN(Campaign campaign, ReadCampaign(txn, campaign_id));
    MAMORI_ASSIGN_OR_RETURN(auto json, ReadJson(txn, keyspace::Item(campaign_id, item_id)));
    if (!json) {
      return Status::NotFound("no review item " + std::string(item_id),
                              "見直し項目 " + std::string(item_id) + " はありません", "item");
    }
    MAMORI_ASSIGN_OR_RETURN(ReviewItem item, ReviewItemFromJson(*json));
    e.attrs["person"] = item.person;
    if (item.Membership()) {
      e.attrs["role"] = item.role;
    } else {
      e.attrs["grant"] = item.grant;
      e.attrs["role"] = item.right.role;
    }
    if (item.state != ItemState::kPending) {
      return Status::FailedPrecondition("review item " + item.id + " is already decided",
                                        "見直し項目 " + item.id + " は決定済みです",
                                        std::string(kItemDecided));
    }
    if (who.kind != identity::PrincipalKind::kUser || who.id.empty()) {
      return Refuse(kSodNotPerson, "only a person decides a review item",
                    "見直し項目を決定できるのは人だけです");
    }
    if (who.id == item.person) {
      return Refuse(kOwnReview, "nobody reviews their own rights",
                    "自分の権限を自分で見直すことはできません");
    }
    if (item.reviewer.empty() ? !HoldsApproverRole(who) : who.id != item.reviewer) {
      return Refuse(kNotReviewer, "this review item is assigned to someone else",
                    "この見直し項目の担当者ではありません");
    }
    const TimeMicros now = caller.Now();
    item.decided = Step{who.id, who.display_name, now, std::string(text)};
    item.state = revoke ? ItemState::kRevoked : ItemState::kConfirmed;
    if (revoke && item.Membership()) {
      // The membership ends at once, and the register shows it as a
      // role_remove the software configured on the manager's decision.
      if (!members_) {
        return Status::FailedPrecondition("role memberships cannot be revoked here",
                                          "ここではロールの保有を取り消せません", "role");
      }
      ChangeRequest entry;
      entry.kind = ChangeKind::kRoleRemove;
      entry.state = ChangeState::kConfigured;
      MAMORI_ASSIGN_OR_RETURN(entry.id, NextId(txn, "request", 'R'));
      entry.person = item.person;
      entry.role = item.role;
      entry.campaign = campaign.id;
      entry.item = item.id;
      entry.requested = campaign.started;
      entry.requested.reason = "review " + campaign.id;
      entry.approved = item.decided;
      entry.configured = Step{std::string(kSystemActor), "mamori", now, {}};
      engine::Context ctx;
      ctx.actor = who.id;
      ctx.terminal = who.terminal.id;
      ctx.request_id = caller.request_id;
      ctx.time = now;
      Status removed = members_->ApplyRole(txn, ctx, item.person, item.role, false, entry.id);
      // A role already given up is recorded as revoked all the same.
      if (!removed.ok() && removed.code() != Code::kFailedPrecondition) return removed;
      MAMORI_RETURN_IF_ERROR(ApplyChange(txn, entry, now));
      MAMORI_RETURN_IF_ERROR(WriteRequest(txn, entry));
      item.revocation = entry.id;
      e.attrs["revocation"] = entry.id;
    }
    MAMORI_ASSIGN_OR_RETURN(auto grant, ReadGrant(txn, item.grant));
    if (revoke && !item.Membership() && grant && grant->active) {
      // The register entry of the revocation (review.h): three named steps,
      // the last one the software's.
      ChangeRequest entry;
      entry.kind = ChangeKind::kRevocation;
      entry.state = ChangeState::kConfigured;
      MAMORI_ASSIGN_OR_RETURN(entry.id, NextId(txn, "request", 'R'));
      entry.grant_id = item.grant;
      entry.grant_version = grant->version;
      entry.person = item.person;
      entry.campaign = campaign.id;
      entry.item = item.id;
      entry.requested = campaign.started;
      entry.requested.reason = "review " + campaign.id;
      entry.approved = item.decided;
      entry.configured = Step{std::string(kSystemActor), "mamori", now, {}};
      MAMORI_RETURN_IF_ERROR(ApplyChange(txn, entry, now));
      MAMORI_RETURN_IF_ERROR(WriteRequest(txn, entry));
      item.revocation = entry.id;
      e.attrs["revocation"] = entry.id;
    }
    MAMORI_RETURN_IF_ERROR(
        WriteJson(txn, keyspace::Item(campaign.id, item.id), ReviewItemToJson(item)));
    if (campaign.pending == 0) {
      return Status::DataLoss("campaign " + campaign.id + " counts no pending item",
                              "キャンペーン " + campaign.id + " の未決件数が壊れています",
                              "pending");
    }
    campaign.pending -= 1;
    if (campaign.pending == 0) {
      campaign.completed_at = now;
      MAMORI_ASSIGN_OR_RETURN(auto sus_json, ReadJson(txn, keyspace::Suspension(item.person)));
      if (sus_json) {
        MAMORI_ASSIGN_OR_RETURN(Suspension sus, SuspensionFromJson(*sus_json));
        if (sus.campaign == campaign.id) {
          MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Suspension(item.person)));
          MAMORI_RETURN_IF_ERROR(BumpVersion(txn));
          e.attrs["suspension_lifted"] = "true";
        }
      }
    }
    MAMORI_RETURN_IF_ERROR(
        WriteJson(txn, keyspace::Campaign(campaign.id), CampaignToJson(campaign)));
    result = std::move(item);
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  return result;
}

Result<ReviewItem> ReviewCampaigns::Confirm(const Caller& caller, std::string_view campaign,
                                            std::string_view item, std::string_view comment) {
  return Decide(caller, campaign, item, false, comment);
}

Result<ReviewItem> ReviewCampaigns::Revoke(const Caller& caller, std::string_view campaign,
                                           std::string_view item, std::string_view reason) {
  return Decide(caller, campaign, item, true, reason);
}

Result<Campaign> ReviewCampaigns::GetCampaign(std::string_view id) {
  Campaign out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, ReadCampaign(txn, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Campaign>> ReviewCampaigns::Campaigns() {
  std::vector<Campaign> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, ScanJson(txn, keyspace::kCampaigns));
    for (const auto& json : rows) {
      MAMORI_ASSIGN_OR_RETURN(Campaign c, CampaignFromJson(json));
      out.push_back(std::move(c));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ReviewItem>> ReviewCampaigns::Items(const ItemFilter& f) {
  std::vector<ReviewItem> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    const std::string prefix =
        f.campaign.empty() ? std::string(keyspace::kItems) : keyspace::Items(f.campaign);
    MAMORI_ASSIGN_OR_RETURN(auto rows, ScanJson(txn, prefix));
    for (const auto& json : rows) {
      MAMORI_ASSIGN_OR_RETURN(ReviewItem item, ReviewItemFromJson(json));
      if ((!f.reviewer.empty() && item.reviewer != f.reviewer) ||
          (!f.person.empty() && item.person != f.person) || (f.state && item.state != *f.state)) {
        continue;
      }
      out.push_back(std::move(item));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ReviewItem>> ReviewCampaigns::Overdue(TimeMicros now) {
  if (now == 0) now = NowMicros();
  MAMORI_ASSIGN_OR_RETURN(auto campaigns, Campaigns());
  std::vector<ReviewItem> out;
  for (const auto& c : campaigns) {
    if (!c.Overdue(now)) continue;
    ItemFilter pending;
    pending.campaign = c.id;
    pending.state = ItemState::kPending;
    MAMORI_ASSIGN_OR_RETURN(auto items, Items(pending));
    for (auto& item : items) {
      if (item.Overdue(now)) out.push_back(std::move(item));
    }
  }
  return out;
}

}  // namespace mamori::policy
