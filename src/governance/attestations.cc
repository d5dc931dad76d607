#include "governance/attestations.h"

#include <algorithm>
#include <cstdio>
#include <regex>

#include <nlohmann/json.hpp>

#include "approval/approvals.h"
#include "audit/audited.h"
#include "governance/ledger.h"

namespace mamori::governance {
namespace {

using json = nlohmann::json;

// The layout in the data store:
//   gov/att/<id>   Attestation JSON
//   gov/att_seq    the last id's number
constexpr std::string_view kAttestationPrefix = "gov/att/";
constexpr std::string_view kAttestationSeqKey = "gov/att_seq";
constexpr std::string_view kCisoLine[] = {"ciso", "deputy_ciso", "chief_officer"};

json ToStored(const Attestation& a) {
  return {{"id", a.id},
          {"source", a.source},
          {"clause", a.clause},
          {"statement", a.statement},
          {"by", a.by},
          {"by_name", a.by_name},
          {"at", FormatUtc(a.at)},
          {"until", FormatDate(a.until)}};
}

Result<Attestation> FromStored(std::string_view raw) {
  auto j = json::parse(raw, nullptr, false);
  if (!j.is_object()) return Fail(Damaged("attestation"));
  Attestation a;
  try {
    a.id = j.at("id").get<std::string>();
    a.source = j.at("source").get<std::string>();
    a.clause = j.at("clause").get<std::string>();
    a.statement = j.at("statement").get<std::string>();
    a.by = j.at("by").get<std::string>();
    a.by_name = j.value("by_name", "");
    auto at = ParseUtc(j.at("at").get<std::string>());
    auto until = ParseDate(j.at("until").get<std::string>());
    if (!at || !until) return Fail(Damaged("attestation"));
    a.at = *at;
    a.until = *until;
  } catch (const json::exception&) {
    return Fail(Damaged("attestation"));
  }
  return a;
}

std::string IdOf(uint64_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "AT%08llu", static_cast<unsigned long long>(n));
  return buf;
}

Status Validate(const AttestationDraft& d, TimeMicros now) {
  if (!IsSource(d.source)) {
    return Invalid("source", "source must be one of 000, 001, 002, 003, 004",
                   "source は 000、001、002、003、004 のいずれかです");
  }
  auto rows = EmbeddedCatalogue();
  if (!rows) return rows.error();
  const ControlRow* row = FindRow(*rows, d.source, d.clause);
  if (!row) {
    return Invalid("clause", "clause must be a clause of the control catalogue of that source",
                   "clause はその出典の管理策一覧にある条項を指定します");
  }
  if (row->mode != Mode::kAttested) {
    return Status::FailedPrecondition(
        "only a clause the catalogue marks attested is met by an attestation",
        "確認記録で充足とするのは管理策一覧で attested とされた条項だけです",
        std::string(kNotAttestedClause));
  }
  static const std::regex kReference(R"(^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$)");
  if (!std::regex_match(d.statement, kReference)) {
    return Invalid("statement",
                   "statement must be the reference of the document that shows it, "
                   "[A-Za-z0-9._/-], at most 128 characters",
                   "statement は根拠文書の参照番号 ([A-Za-z0-9._/-]、128 文字以内) で指定します");
  }
  const int64_t today = DaysFromCivil(JstDate(now));
  const int64_t until = DaysFromCivil(d.until);
  if (until < today || until - today > kMaxAttestationDays) {
    return Invalid("until", "until must be a day from today to 366 days ahead",
                   "until は今日から 366 日以内の日付で指定します");
  }
  return Status::Ok();
}

}  // namespace

bool Attestation::CurrentAt(TimeMicros now) const { return at <= now && JstDate(now) <= until; }

json AttestationToJson(const Attestation& a, TimeMicros now) {
  json j = ToStored(a);
  j["current"] = a.CurrentAt(now);
  return j;
}

Result<Attestation> Attestations::Attest(const policy::Caller& caller,
                                         const AttestationDraft& draft) {
  Attestation out;
  audit::Event ev = approval::CallerEvent(
      approval::Caller{caller.principal, caller.request_id, caller.time}, "report.attest");
  Status s = audit::RunAudited(
      storage_, std::move(ev), {[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        const identity::Principal& who = caller.principal;
        if (who.kind != identity::PrincipalKind::kUser ||
            std::none_of(std::begin(kCisoLine), std::end(kCisoLine),
                         [&](std::string_view r) { return who.HasRole(r); })) {
          return Status::PermissionDenied(
              "only the CISO line (ciso, deputy_ciso, chief_officer) records attestations",
              "確認記録を登録できるのは最高情報セキュリティ責任者の系統 (ciso, deputy_ciso, "
              "chief_officer) だけです",
              std::string(kNotAttester));
        }
        const TimeMicros now = caller.Now();
        MAMORI_RETURN_IF_ERROR(Validate(draft, now));
        e.attrs["source"] = draft.source;
        MAMORI_ASSIGN_OR_RETURN(auto seq_raw, txn.Get(kAttestationSeqKey));
        uint64_t seq = 0;
        if (seq_raw) {
          try {
            seq = std::stoull(*seq_raw);
          } catch (const std::exception&) {
            return Damaged("attestation");
          }
        }
        ++seq;
        out.id = IdOf(seq);
        out.source = draft.source;
        out.clause = draft.clause;
        out.statement = draft.statement;
        out.by = who.id;
        out.by_name = who.display_name;
        out.at = now;
        out.until = draft.until;
        e.attrs["attestation"] = out.id;
        e.attrs["statement"] = out.statement;
        e.attrs["until"] = FormatDate(out.until);
        MAMORI_RETURN_IF_ERROR(txn.Put(kAttestationSeqKey, std::to_string(seq)));
        return txn.Put(std::string(kAttestationPrefix) + out.id, ToStored(out).dump());
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<std::vector<Attestation>> Attestations::List(std::string_view source) {
  std::vector<Attestation> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows,
                            txn.Scan(kAttestationPrefix, store::PrefixEnd(kAttestationPrefix), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(auto a, FromStored(row.value));
      if (source.empty() || a.source == source) out.push_back(std::move(a));
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace mamori::governance
