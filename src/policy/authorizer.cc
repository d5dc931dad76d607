#include "policy/authorizer.h"

#include <algorithm>

#include "audit/audited.h"
#include "audit/log.h"
#include "engine/takeout_rules.h"
#include "policy/records.h"

namespace mamori::policy {
namespace {

Decision Deny(std::string_view code, std::string subject = {}) {
  Decision d;
  d.code = code;
  d.subject = std::move(subject);
  return d;
}

// An identifier as given, anything else as a placeholder: purposes and
// terminal ids are echoed in messages, and a caller may type anything there.
std::string Safe(std::string_view s) {
  return engine::IsValidName(s) ? std::string(s) : std::string("(invalid)");
}

bool Matches(const Grant& g, const engine::DatasetDef& def, Operation op,
             std::string_view purpose) {
  const Right& r = g.right;
  return r.operation == op && r.category == def.category &&
         (r.dataset == def.name || r.dataset == kAllDatasets) &&
         (!NeedsPurpose(op) || r.purpose == purpose);
}

Decision CheckTerminal(const Snapshot& snap, const identity::Principal& who,
                       const engine::DatasetDef& def) {
  const identity::Terminal& t = who.terminal;
  const bool c3 = def.classification.confidentiality >= 3;
  // An application stands as its own host, never as the terminal its
  // connection resolves to, and is never in the controlled area unless a
  // designation names it.
  const bool application = who.kind == identity::PrincipalKind::kService;
  // A person's terminal id never holds ':' (identity::IsValidId); one that
  // looks like an application's host is nobody's.
  const std::string where = application                            ? ServiceHost(who.id)
                            : t.id.starts_with(kServiceHostPrefix) ? std::string()
                                                                   : t.id;
  if (const auto* designated = snap.DesignatedTerminals(def.name)) {
    const bool listed = !where.empty() && std::find(designated->begin(), designated->end(),
                                                    where) != designated->end();
    if (!listed) return Deny(c3 ? kC3Terminal : kTerminalNotDesignated, where);
  } else if (c3 && (application || where.empty() || !t.controlled_area)) {
    return Deny(kC3Terminal, where);
  }
  Decision ok;
  ok.allowed = true;
  ok.code = kAllowed;
  return ok;
}

}  // namespace

Decision Evaluate(const Snapshot& snap, const identity::Principal& who,
                  const engine::DatasetDef& def, Operation op, std::string_view purpose,
                  TimeMicros now) {
  if (now == 0) now = NowMicros();
  if (who.id.empty()) return Deny(kUnidentified);
  if (snap.suspended.contains(who.id)) return Deny(kDisabled);
  // The training switch [002 第28-29条]: a person, not an application.
  if (who.kind == identity::PrincipalKind::kUser && snap.TrainingLapsed(who.id, JstDate(now))) {
    return Deny(kTrainingLapsed);
  }
  if (NeedsPurpose(op)) {
    if (purpose.empty()) return Deny(kPurposeRequired);
    if (!def.FindPurpose(purpose)) return Deny(kPurposeNotRegistered);
  }
  if (op == Operation::kExport && def.HasHandling("no_copy"))
    return Deny(kHandlingNoCopy, "no_copy");
  if (op == Operation::kExport) {
    // The engine refuses such an export whatever called it; refusing it here
    // too answers before anything runs, with the restriction named.
    const engine::TakeoutRules rules = engine::TakeoutRulesFor(def);
    if (!rules.permitted.ok()) return Deny(kHandlingNoTakeout, rules.permitted.subject());
  }

  Decision found = Deny(kNoGrant);
  for (const auto& role : who.roles) {
    auto it = snap.grants_by_role.find(role);
    if (it == snap.grants_by_role.end()) continue;
    for (const Grant& g : it->second) {
      if (!Matches(g, def, op, purpose) || !g.right.Designates(who.id, who.department) ||
          snap.Excluded(g.id, who.id)) {
        continue;
      }
      if (!g.InForce(now)) {
        if (!found.allowed) found.code = kGrantExpired;
        continue;
      }
      if (!found.allowed) found.grant = g.id;
      found.allowed = true;
      found.unmask = found.unmask || g.right.unmask;
    }
  }
  if (!found.allowed) return found;

  Decision terminal = CheckTerminal(snap, who, def);
  if (!terminal.allowed) return terminal;
  found.code = kAllowed;
  return found;
}

Result<std::shared_ptr<const Snapshot>> Authorizer::Current() {
  std::shared_ptr<const Snapshot> cached;
  {
    std::lock_guard lock(mu_);
    cached = snapshot_;
  }
  std::shared_ptr<const Snapshot> fresh;
  Status s = storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(uint64_t version, ReadVersion(txn));
    if (cached && cached->version == version) {
      fresh = cached;
      return Status::Ok();
    }
    MAMORI_ASSIGN_OR_RETURN(fresh, LoadSnapshot(txn));
    return Status::Ok();
  });
  if (!s.ok()) return Fail(s);
  if (fresh != cached) {
    std::lock_guard lock(mu_);
    // Another thread may have loaded a newer one meanwhile; keep the newest.
    if (!snapshot_ || snapshot_->version < fresh->version) snapshot_ = fresh;
  }
  return fresh;
}

Decision Authorizer::Authorize(const identity::Principal& who, const engine::DatasetDef& dataset,
                               Operation op, std::string_view purpose, TimeMicros now) {
  std::shared_ptr<const Snapshot> unused;
  return AuthorizeUnder(who, dataset, op, purpose, &unused, now);
}

Decision Authorizer::AuthorizeUnder(const identity::Principal& who,
                                    const engine::DatasetDef& dataset, Operation op,
                                    std::string_view purpose,
                                    std::shared_ptr<const Snapshot>* rules, TimeMicros now) {
  auto snap = Current();
  if (!snap) {
    rules->reset();
    return Deny(kUnavailable);
  }
  *rules = *snap;
  return Evaluate(**snap, who, dataset, op, purpose, now);
}

nlohmann::json Authorizer::ApplyMask(const identity::Principal& who,
                                     const engine::DatasetDef& dataset, std::string_view purpose,
                                     const nlohmann::json& values, Operation op, TimeMicros now) {
  auto snap = Current();
  if (!snap) return nlohmann::json::object();
  return ApplyMask(**snap, who, dataset, purpose, values, op, now);
}

nlohmann::json Authorizer::ApplyMask(const Snapshot& rules, const identity::Principal& who,
                                     const engine::DatasetDef& dataset, std::string_view purpose,
                                     const nlohmann::json& values, Operation op, TimeMicros now) {
  nlohmann::json out = nlohmann::json::object();
  if (!values.is_object()) return out;
  const Decision d = Evaluate(rules, who, dataset, op, purpose, now);
  if (!d.allowed) return out;
  for (const auto& [name, value] : values.items()) {
    if (name.starts_with('_')) {
      out[name] = value;
      continue;
    }
    const engine::FieldDef* field = dataset.Field(name);
    if (!field) continue;
    const MaskRule rule = rules.RuleFor(dataset.name, *field);
    if (value.is_null() || ShowsClear(rule, purpose, d.unmask)) {
      out[name] = value;
    } else if (rule.otherwise != MaskStyle::kHidden) {
      out[name] = MaskValue(field->type, rule.otherwise, value);
    }
  }
  return out;
}

Status Authorizer::RecordRefusal(const Caller& caller, const engine::DatasetDef& dataset,
                                 Operation op, std::string_view purpose, const Decision& decision) {
  if (decision.allowed) {
    return Status::InvalidArgument("only a refusal can be recorded as one",
                                   "拒否以外は拒否として記録できません", "decision");
  }
  audit::Event ev = MakeEvent(caller, "policy.authorize");
  ev.dataset = Safe(dataset.name);
  // Only a purpose the dataset registers reaches the log: anything else
  // was typed by the caller and may be anything (a name, a My Number).
  if (!purpose.empty()) {
    ev.purpose = dataset.FindPurpose(purpose) ? std::string(purpose)
                                              : std::string(audit::kUnregisteredPurpose);
  }
  ev.reason = std::string(decision.code);
  ev.attrs["operation"] = std::string(OperationName(op));
  const Status why = decision.ToStatus();
  const Status written = audit::AuditRefusal(storage_, std::move(ev), why);
  return written.code() == why.code() ? Status::Ok() : written;
}

}  // namespace mamori::policy
