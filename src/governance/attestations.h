// Attestations (確認記録): a person's statement, recorded in the store, that
// a clause the organisation satisfies outside the software (rooms, networks,
// contracts, rules on paper: the catalogue's `attested` rows,
// controls/README.md) is satisfied, until a stated day. The compliance
// report shows such a clause as met only while an attestation of it is
// current (attested at or before the report, its `until` not passed).
//
// Who attests: the CISO line (ciso, deputy_ciso, chief_officer), the
// persons the rules make responsible for the organisation's security as a
// whole [002 第4-6条]; the catalogue names no responsible department per
// clause, so no narrower rule could be checked. The route table allows
// report.attest to those roles and Attest decides it again in the
// transaction that records it.
//
// An attestation names
//   source, clause  a row of the embedded catalogue whose mode is attested;
//   statement       the reference of the document that shows it (a code of
//                   [A-Za-z0-9._/-], e.g. "SEC-2026-014"), never its text;
//   until           the last day it holds: today .. today + 366 days.
// Every attestation is one audited transaction ("report.attest"); its
// event carries the attestation id, the source, the statement reference and
// the days (the clause, in Japanese, is in the record only). Refusals are
// audited and change nothing. Attestations are never edited: a new one
// supersedes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time.h"
#include "governance/catalogue.h"
#include "policy/caller.h"
#include "store/storage.h"

namespace mamori::governance {

inline constexpr std::string_view kNotAttester = "report.not_attester";
inline constexpr std::string_view kNotAttestedClause = "report.not_attested_clause";
inline constexpr int kMaxAttestationDays = 366;

struct AttestationDraft {
  std::string source, clause, statement;
  CivilDate until;
};

struct Attestation {
  std::string id;  // "AT00000001"
  std::string source, clause, statement;
  std::string by, by_name;
  TimeMicros at = 0;
  CivilDate until;

  // Recorded at or before `now` and `now`'s JST day not after until.
  bool CurrentAt(TimeMicros now) const;
};

nlohmann::json AttestationToJson(const Attestation& a, TimeMicros now);

class Attestations {
 public:
  // `storage` must outlive this object.
  explicit Attestations(store::Storage& storage) : storage_(storage) {}

  Result<Attestation> Attest(const policy::Caller& caller, const AttestationDraft& draft);
  // Every attestation, oldest first; `source` non-empty: of that source only.
  Result<std::vector<Attestation>> List(std::string_view source = {});

 private:
  store::Storage& storage_;
};

}  // namespace mamori::governance
