// Internal to the rules: the state the Evaluator keeps between events. Every
// map is keyed by a person (bounded by the organisation) or pruned when its
// window has passed (bounded by the activity of one window).
#pragma once

#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/rules.h"

namespace mamori::analysis {

// Hits held back until a threshold is crossed, then handed over together;
// beyond kMaxEvidence only their number is kept.
struct Pending {
  std::vector<Hit> hits;
  Hit overflow{std::nullopt, 0, 0};

  void Hold(const Hit& h) {
    if (hits.size() < kMaxEvidence) {
      hits.push_back(h);
    } else {
      overflow.count += h.count;
      overflow.time = h.time;
    }
  }
  void Release(Sink& sink, const FindingKey& key, Severity sev) {
    for (const Hit& h : hits) sink.Add(key, sev, h);
    if (overflow.count > 0) sink.Add(key, sev, overflow);
    Clear();
  }
  void Clear() {
    hits.clear();
    overflow = Hit{std::nullopt, 0, 0};
  }
  size_t size() const { return hits.size(); }
};

struct Evaluator::State {
  TimeMicros now = 0;
  TimeMicros last_prune = 0;

  // off_hours: accesses per (person, day), for the severity.
  std::map<std::pair<std::string, int64_t>, uint64_t> off_hours;

  // frequency_spike: each person's day so far and their recent days.
  struct Day {
    int64_t day = -1;
    uint64_t count = 0;
    bool fired = false;
    Pending pending;
    std::deque<uint64_t> history;  // counts of their last days with activity
  };
  std::unordered_map<std::string, Day> days;

  // bulk_access: records disclosed per person in the current clock hour.
  struct Hour {
    int64_t hour = -1;
    uint64_t records = 0;
    bool fired = false;
    Pending pending;
  };
  std::unordered_map<std::string, Hour> hours;

  // rare_purpose: each person's accesses per purpose.
  struct Purposes {
    uint64_t total = 0;
    std::map<std::string, uint64_t, std::less<>> count;
  };
  std::unordered_map<std::string, Purposes> purposes;

  // logon_failures: the recent failures of a user or a source.
  struct Burst {
    std::deque<Hit> recent;
    bool firing = false;
    uint64_t reported = 0;  // 1 + the last seq handed to the sink: none twice
  };
  std::unordered_map<std::string, Burst> user_failures, source_failures;

  // concurrent_terminals: each person's terminals seen recently.
  struct Seen {
    std::string terminal;
    TimeMicros time = 0;
    uint64_t seq = 0;
    bool reported = false;  // handed to the sink already: never twice
  };
  std::unordered_map<std::string, std::vector<Seen>> seen;
};

}  // namespace mamori::analysis
