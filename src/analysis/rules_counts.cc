// The rules that count: frequency spikes against a person's own baseline,
// bulk disclosure, rare purposes, logon failures and disabled IDs.
#include <numeric>

#include "analysis/rules.h"
#include "analysis/rules_state.h"

namespace mamori::analysis {
namespace {

constexpr int64_t kMicrosInHour = 3'600 * kMicrosPerSecond;
constexpr int64_t kJstOffsetMicros = kJstOffsetSeconds * kMicrosPerSecond;

FindingKey KeyFor(Rule rule, std::string_view actor, TimeMicros start, TimeMicros end) {
  FindingKey k;
  k.rule = rule;
  k.actor = std::string(actor);
  k.window_start = start;
  k.window_end = end;
  return k;
}

TimeMicros DayStart(int64_t day) { return day * 86'400 * kMicrosPerSecond - kJstOffsetMicros; }
TimeMicros DayEnd(int64_t day) { return DayStart(day + 1); }

bool IsUse(std::string_view purpose) {
  return !purpose.empty() && purpose != "disposal" && purpose != "retention" &&
         purpose != "(unregistered)";
}

// Keeps the failures of one user or source within the window; from the
// threshold on, reports the burst, then each further failure while it lasts.
void Burst(std::unordered_map<std::string, Evaluator::State::Burst>& map, const std::string& who,
           uint32_t threshold, TimeMicros window, const FindingKey& key, Severity sev,
           const Hit& hit, Sink& sink) {
  auto& b = map[who];
  b.recent.push_back(hit);
  while (!b.recent.empty() && hit.time - b.recent.front().time > window) b.recent.pop_front();
  if (b.recent.size() >= threshold) {
    b.firing = true;
    for (const Hit& h : b.recent) {
      if (h.seq && *h.seq + 1 > b.reported) {
        sink.Add(key, sev, h);
        b.reported = *h.seq + 1;
      }
    }
  } else {
    b.firing = false;
  }
  while (b.recent.size() > threshold) b.recent.pop_front();
}

}  // namespace

void Evaluator::VolumeRules(const EventView& ev, int64_t day) {
  if (!IsAccess(ev)) return;
  State& st = *state_;
  const std::string actor(ev.actor);
  const Hit hit{ev.seq, ev.time, 1};

  // frequency_spike: a day's accesses against the mean of the person's last
  // days with activity (a day that ends is added to the history).
  State::Day& d = st.days[actor];
  if (day > d.day) {
    if (d.day >= 0 && d.count > 0) {
      d.history.push_back(d.count);
      while (d.history.size() > params_.baseline_days) d.history.pop_front();
    }
    d.day = day;
    d.count = 0;
    d.fired = false;
    d.pending.Clear();
  }
  ++d.count;
  const FindingKey spike = KeyFor(Rule::kFrequencySpike, actor, DayStart(d.day), DayEnd(d.day));
  if (d.fired) {
    sink_.Add(spike, Severity::kMedium, hit);
  } else {
    d.pending.Hold(hit);
    const uint64_t days = d.history.size();
    if (days >= params_.baseline_min_days && d.count >= params_.spike_min_count) {
      const uint64_t sum = std::accumulate(d.history.begin(), d.history.end(), uint64_t{0});
      // count ≥ spike_percent % of sum / days, in integers.
      if (d.count * 100 * days >= uint64_t{params_.spike_percent} * sum) {
        d.fired = true;
        d.pending.Release(sink_, spike, Severity::kMedium);
      }
    }
  }

  // bulk_access: one export of many records, or many records in an hour.
  const uint64_t records = RecordsDisclosed(ev);
  if (ev.operation == "record.export" && records >= params_.bulk_records_per_export) {
    FindingKey key = KeyFor(Rule::kBulkAccess, actor, DayStart(day), DayEnd(day));
    key.detail = "export";
    key.dataset = std::string(ev.dataset);
    sink_.Add(key, Severity::kHigh, hit);
  }
  if (records > 0) {
    const int64_t hour = (ev.time + kJstOffsetMicros) / kMicrosInHour;
    State::Hour& h = st.hours[actor];
    if (hour > h.hour) {
      h.hour = hour;
      h.records = 0;
      h.fired = false;
      h.pending.Clear();
    }
    h.records += records;
    FindingKey key = KeyFor(Rule::kBulkAccess, actor, h.hour * kMicrosInHour - kJstOffsetMicros,
                            (h.hour + 1) * kMicrosInHour - kJstOffsetMicros);
    key.detail = "hour";
    const Hit counted{ev.seq, ev.time, records};
    if (h.fired) {
      sink_.Add(key, Severity::kHigh, counted);
    } else {
      h.pending.Hold(counted);
      if (h.records >= params_.bulk_records_per_hour) {
        h.fired = true;
        h.pending.Release(sink_, key, Severity::kHigh);
      }
    }
  }

  // rare_purpose: a purpose under rare_purpose_percent % of the person's
  // earlier accesses, once there are enough of them to say so.
  if (IsUse(ev.purpose)) {
    State::Purposes& p = st.purposes[actor];
    auto it = p.count.find(ev.purpose);
    const uint64_t before = it == p.count.end() ? 0 : it->second;
    if (p.total >= params_.rare_purpose_min_history &&
        before * 100 < uint64_t{params_.rare_purpose_percent} * p.total) {
      FindingKey key = KeyFor(Rule::kRarePurpose, actor, DayStart(day), DayEnd(day));
      key.detail = std::string(ev.purpose);
      key.dataset = std::string(ev.dataset);
      sink_.Add(key, Severity::kLow, hit);
    }
    ++p.total;
    // A dataset registers a handful of purposes; another system's log could
    // name any number, so a person's distinct purposes are capped.
    if (it != p.count.end()) {
      ++it->second;
    } else if (p.count.size() < 256) {
      p.count.emplace(std::string(ev.purpose), 1);
    }
  }
}

void Evaluator::LogonRules(const EventView& ev, int64_t day) {
  const bool login = ev.operation == "identity.login";
  if ((!login && ev.operation != "identity.cert_auth") || ev.result != "refused") return;
  const Hit hit{ev.seq, ev.time, 1};
  // An unknown ID has no actor: its keyed reference (the same typed ID gives
  // the same reference) stands for it.
  const std::string who = !ev.actor.empty() ? std::string(ev.actor)
                                            : "unknown:" + std::string(ev.subject.substr(0, 16));
  const std::string_view reason = ev.reason;
  if (reason == "disabled" || reason == "locked" || reason == "certificate.disabled") {
    FindingKey key = KeyFor(Rule::kDisabledId, who, DayStart(day), DayEnd(day));
    key.detail = std::string(reason);
    sink_.Add(key, reason == "locked" ? Severity::kMedium : Severity::kHigh, hit);
  }
  if (!login || reason == "locked" || reason == "attempts_in_flight") return;
  const TimeMicros window = int64_t{params_.failure_window_minutes} * 60 * kMicrosPerSecond;
  Burst(state_->user_failures, who, params_.failures_per_user, window,
        KeyFor(Rule::kLogonFailures, who, DayStart(day), DayEnd(day)), Severity::kMedium, hit,
        sink_);
  if (!ev.terminal.empty()) {
    FindingKey key = KeyFor(Rule::kLogonFailures, "", DayStart(day), DayEnd(day));
    key.terminal = std::string(ev.terminal);
    key.detail = "source";
    Burst(state_->source_failures, std::string(ev.terminal), params_.failures_per_source, window,
          key, Severity::kHigh, hit, sink_);
  }
}

}  // namespace mamori::analysis
