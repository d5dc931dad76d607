// The continuous evaluation of the rules, the daily lists and the check that
// the monitoring itself works ([003 II.5(6)-(8)]; docs/REQUIREMENTS.md §6):
// a background thread that follows the audit log with a cursor of its own,
// so that nothing on the commit path waits for it (docs/PERFORMANCE.md §6).
// Each round, in one transaction with its effects (and, once per JST day,
// the take-outs overdue: rules.h takeout_overdue):
//   1. evaluates the events committed since the last round (at most
//      `batch`), merging what the rules find into the stored findings;
//   2. produces the reconciliation lists of every business day that ended
//      list_grace_minutes ago and whose events it has all read;
//   3. escalates the lists that became overdue;
//   4. raises analysis_behind when an event waited longer than
//      behind_seconds (once per episode), and advances the cursor.
// A round that fails commits nothing; the next one starts again from the
// stored cursor (after rebuilding its state), so no event is evaluated
// twice nor skipped.
//
// State that spans rounds (baselines, windows, the accesses of lists not
// yet produced) is rebuilt at start by evaluating again, without
// reporting, the events of WarmupDays() before the cursor and those of the
// lists still to produce.
//
// First start on a store: the whole log is evaluated (every event once —
// findings about the past included); lists start with the business day of
// the first start (earlier days would all be overdue at once; an on-demand
// run covers the past).
//
// The heartbeat (heartbeat()) is what /metrics reports: only aggregate,
// non-revealing figures — whether the evaluation is behind, how long the
// oldest waiting event has waited, when the last round ran.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "analysis/collector.h"
#include "core/status.h"
#include "core/time.h"
#include "engine/engine.h"
#include "engine/takeout.h"
#include "policy/directory.h"
#include "store/storage.h"

namespace mamori::analysis {

struct MonitorOptions {
  std::chrono::milliseconds poll{200};  // the wait between rounds when caught up
  size_t batch = 8192;                  // events per round at most
  std::function<TimeMicros()> clock;    // empty: NowMicros (tests set their own)
  // The take-outs still out whose `until` is before a JST day
  // (engine::Engine::ListTakeouts with open_only and due_before, which
  // audits the read): asked once per JST day of the rounds, for
  // takeout_overdue (rules.h). Empty: no take-out rule.
  std::function<Result<std::vector<engine::TakeoutRecord>>(CivilDate due_before)> open_takeouts;
  // The findings of the organisation's own cycles overdue on a JST day
  // (governance/incidents.h: incident_report_overdue), asked once per JST
  // day of the rounds like open_takeouts and merged like every finding (a
  // finding already raised for the same key is not raised again). Empty:
  // none. The argument is the day, the second the round's time.
  std::function<Result<std::vector<Collected>>(CivilDate today, TimeMicros now)> overdue_steps;
};

// MonitorOptions::open_takeouts over `engine` (which must outlive the
// Monitor), read as the analysis itself.
std::function<Result<std::vector<engine::TakeoutRecord>>(CivilDate)> OpenTakeoutsOf(
    engine::Engine& engine);

struct Heartbeat {
  bool running = false;
  uint64_t evaluated = 0;         // events evaluated: the cursor
  uint64_t log_size = 0;          // events in the log at the last round
  TimeMicros last_round = 0;      // when the last round committed (0: none yet)
  TimeMicros oldest_waiting = 0;  // time of the oldest event not yet evaluated; 0 when none
  uint32_t behind_seconds = 300;  // the threshold in force
  // Commit→evaluation delay of the events evaluated so far (event time to
  // the commit of the round that evaluated them; the analysis's own events
  // wait for the next round by design and are not counted), for the
  // benchmark (docs/PERFORMANCE.md §6). The buckets let it take
  // percentiles over an interval from two snapshots: delay_buckets[k]
  // counts delays of [2^(k/4), 2^((k+1)/4)) ms (bucket 0 also those under
  // 1 ms, the last also all longer ones), so a percentile is within 19 %.
  static constexpr size_t kDelayBuckets = 80;
  TimeMicros delay_max = 0;
  TimeMicros delay_sum = 0;
  uint64_t delay_count = 0;
  std::array<uint64_t, kDelayBuckets> delay_buckets{};
  static size_t DelayBucket(TimeMicros delay);
  // The upper end of bucket k, in milliseconds.
  static double DelayBucketEndMs(size_t k);
  uint64_t rounds = 0;
  uint64_t failures = 0;

  // How long the oldest waiting event has waited at `now`, in seconds.
  double LagSeconds(TimeMicros now) const;
  // Behind: an event waited longer than behind_seconds, or no round ran for
  // that long while running.
  bool Behind(TimeMicros now) const;
};

class Monitor {
 public:
  // `store` and `directory` must outlive the Monitor.
  Monitor(store::Storage& store, const policy::Directory& directory, MonitorOptions options = {});
  ~Monitor();

  // Starts the thread (once). Stop() ends it; the destructor stops it.
  Status Start();
  void Stop();

  // One round at `now` (the thread's work; tests call it directly, never
  // while the thread runs). Returns the number of events evaluated.
  Result<size_t> Round(TimeMicros now);

  Heartbeat heartbeat() const;

 private:
  struct Impl;
  void Run();
  TimeMicros Now() const;

  store::Storage& store_;
  const policy::Directory& directory_;
  MonitorOptions options_;
  std::unique_ptr<Impl> impl_;

  mutable std::mutex mu_;
  Heartbeat beat_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mamori::analysis
