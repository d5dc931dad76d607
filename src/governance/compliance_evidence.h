// Evidence from the live store for the compliance report: probes, each
// keyed by the code the catalogue's rows name (controls/README.md column
// `code`), so that a row naming src/analysis/lists.cc is judged by the
// daily-list probe and a row naming src/audit/verify.h by the audit-log
// probe.
//
// A probe reads the store (never writes it) and answers whether the control
// holds in the data now: pass or fail, the reason when it fails (English
// and Japanese, identifiers and dates only), the evidence behind the answer
// (counts, dates, audit-log proofs such as the chain head and its
// verification, the last review or confirmation) and what is overdue.
//
// Adding a probe for a new part (incidents, inspections, registers, …) is
// one registration in StandardProbes (compliance_probes.cc):
//   MAMORI_RETURN_IF_ERROR(r.Register({"incident_deadlines",
//       {"src/governance/incidents"}, IncidentDeadlinesProbe}));
// where the function reads what it needs through EvidenceSources (the
// storage at least; add a member there when a probe needs an object the
// Stack owns).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/time.h"
#include "store/storage.h"

namespace mamori::analysis {
class Lists;
}
namespace mamori::policy {
class ReviewCampaigns;
}
namespace mamori::approval {
class Exceptions;
class People;
}  // namespace mamori::approval
namespace mamori::engine {
class Engine;
}

namespace mamori::governance {

class ProbeRegistry;

// What probes read. storage is required; a probe whose object is absent
// fails with "evidence not available".
struct EvidenceSources {
  store::Storage* storage = nullptr;
  engine::Engine* engine = nullptr;
  analysis::Lists* lists = nullptr;
  policy::ReviewCampaigns* reviews = nullptr;
  approval::Exceptions* exceptions = nullptr;
  // The identity directory's people (training judges every active one).
  const approval::People* people = nullptr;
  // Registers the probes of parts above governance (the exchange's
  // connections: exchange/compliance_probe.h) beside StandardProbes; may be
  // empty.
  std::function<Status(ProbeRegistry&)> more_probes;
  TimeMicros now = 0;
};

struct ProbeResult {
  bool pass = true;
  std::string reason, reason_ja;  // when !pass
  nlohmann::json evidence = nlohmann::json::object();
  std::vector<std::string> overdue;  // "L00000003 2025-01-08 payroll (due 2025-01-09)"

  // Not met, `en` and `ja` added to the reasons.
  void NotMet(const std::string& en, const std::string& ja);
  // `item` added to overdue while it lists fewer than kMaxListedItems (the
  // probe's evidence keeps the complete count).
  void List(std::string item);
};
inline constexpr size_t kMaxListedItems = 20;

using ProbeFn = std::function<Result<ProbeResult>(const EvidenceSources&)>;

struct Probe {
  std::string name;  // "audit_log", unique
  // Code a row names that this probe judges: a path prefix
  // ("src/audit/", "src/analysis/lists.") matches every row code under it;
  // an entry with '#' ("src/engine/engine.h#Engine::Export") only that.
  std::vector<std::string> code;
  ProbeFn run;
};

class ProbeRegistry {
 public:
  // kInvalidArgument for an empty or repeated name, or no code.
  Status Register(Probe probe);
  // The probes judging a row that names `code`, in registration order, each
  // once.
  std::vector<const Probe*> For(const std::vector<std::string>& code) const;
  const std::vector<Probe>& probes() const { return probes_; }

 private:
  std::vector<Probe> probes_;
};

// The probes of what is built (compliance_probes.cc), the organisation's
// cycles among them (AddCycleProbes, cycle_probes.cc).
Result<ProbeRegistry> StandardProbes();
Status AddCycleProbes(ProbeRegistry& r);
// Records past their retention (record_probes.cc).
Status AddRecordProbes(ProbeRegistry& r);

// Runs each probe at most once per report. A probe that cannot read its
// evidence (an error, not a failed control) is reported as a failure whose
// reason says so.
class EvidenceRun {
 public:
  explicit EvidenceRun(EvidenceSources sources) : sources_(sources) {}
  const ProbeResult& Result(const Probe& probe);
  const EvidenceSources& sources() const { return sources_; }

 private:
  EvidenceSources sources_;
  std::map<std::string, ProbeResult> done_;
};

}  // namespace mamori::governance
