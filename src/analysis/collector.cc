#include "analysis/collector.h"

#include <algorithm>
#include <tuple>

namespace mamori::analysis {

void Collector::Add(const FindingKey& key, Severity severity, const Hit& hit) {
  if (hit.time < from_ || hit.time >= to_) return;
  auto [it, fresh] = open_.try_emplace(key.Encode());
  if (fresh) it->second = Collected{key, NewFinding(key)};
  AddHit(it->second.finding, severity, hit);
}

std::vector<Collected> Collector::Take(TimeMicros before) {
  std::vector<Collected> out;
  for (auto it = open_.begin(); it != open_.end();) {
    if (it->second.key.window_end <= before) {
      out.push_back(std::move(it->second));
      it = open_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(out.begin(), out.end(), [](const Collected& a, const Collected& b) {
    return std::tie(a.key.window_end, a.finding.from, a.key.rule, a.key.actor, a.key.terminal,
                    a.key.dataset, a.key.detail) < std::tie(b.key.window_end, b.finding.from,
                                                            b.key.rule, b.key.actor, b.key.terminal,
                                                            b.key.dataset, b.key.detail);
  });
  return out;
}

std::vector<Collected> Collector::TakeClosed(TimeMicros before) { return Take(before); }
std::vector<Collected> Collector::TakeAll() { return Take(INT64_MAX); }

}  // namespace mamori::analysis
