// Collects the rules' hits into findings, one per FindingKey, and hands
// out those whose window has ended: what an on-demand run prints as it goes
// (its memory then holds only the findings of windows still open) and what
// the continuous evaluation merges into the stored findings after a batch.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/finding.h"
#include "analysis/rules.h"

namespace mamori::analysis {

struct Collected {
  FindingKey key;
  Finding finding;
};

class Collector : public Sink {
 public:
  // Only hits in [from, to) are kept: the evaluation of the events before
  // `from` builds the baselines without reporting (an on-demand run's
  // warm-up), and events after `to` are not the period asked for.
  void Limit(TimeMicros from, TimeMicros to) {
    from_ = from;
    to_ = to;
  }
  void Add(const FindingKey& key, Severity severity, const Hit& hit) override;

  // The findings whose window ends at or before `before`, removed from the
  // collector, ordered by window end, then first evidence, then rule and
  // actor.
  std::vector<Collected> TakeClosed(TimeMicros before);
  std::vector<Collected> TakeAll();
  size_t size() const { return open_.size(); }

 private:
  std::vector<Collected> Take(TimeMicros before);

  TimeMicros from_ = INT64_MIN, to_ = INT64_MAX;
  std::unordered_map<std::string, Collected> open_;
};

}  // namespace mamori::analysis
