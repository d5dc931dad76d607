#include "analysis/run.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "analysis/collector.h"
#include "audit/log.h"

namespace mamori::analysis {
namespace {

constexpr TimeMicros kLateSlack = 3'600 * kMicrosPerSecond;
// A run ends after this many consecutive events past the period: a log is
// in time order up to clock adjustments, which this many events outlast.
constexpr uint64_t kStopAfter = 100'000;

class LogEvents final : public EventSource {
 public:
  LogEvents(store::Storage& store, uint64_t first) : store_(store), first_(first) {}

  Status ForEach(const EventVisitor& visit) override {
    EventParser parser;
    EventView ev;
    return store_.View([&](store::ReadTxn& txn) -> Status {
      return txn.ScanEach(
          audit::EventKey(first_), store::PrefixEnd(audit::kEventPrefix),
          [&](std::string_view key, std::string_view value) -> Result<bool> {
            if (!parser.Parse(value, ev).ok()) {
              auto seq = audit::ParseEventKey(key);
              return Fail(Status::DataLoss("the stored audit event " +
                                               (seq ? std::to_string(*seq) : std::string("?")) +
                                               " does not parse",
                                           "保存された監査イベントを解析できません", "event"));
            }
            return visit(ev);
          });
    });
  }

 private:
  store::Storage& store_;
  uint64_t first_;
};

class FileEvents final : public EventSource {
 public:
  explicit FileEvents(std::string path) : path_(std::move(path)) {}

  Status ForEach(const EventVisitor& visit) override {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (path_ != "-") {
      file.open(path_, std::ios::binary);
      if (!file) {
        return Status::NotFound("cannot open the events file " + path_,
                                "イベントファイルを開けません: " + path_, "events");
      }
      in = &file;
    }
    EventParser parser;
    EventView ev;
    std::string line;
    uint64_t number = 0;
    while (std::getline(*in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      if (Status s = parser.Parse(line, ev); !s.ok()) {
        return Status::InvalidArgument(
            "line " + std::to_string(number) +
                " of the events file is not an audit event: " + s.message(),
            "イベントファイルの " + std::to_string(number) + " 行目が監査イベントではありません",
            "events");
      }
      MAMORI_ASSIGN_OR_RETURN(bool more, visit(ev));
      if (!more) return Status::Ok();
    }
    if (in->bad()) {
      return Status::IoError("reading the events file failed", "イベントファイルを読めません",
                             "events");
    }
    return Status::Ok();
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<EventSource> LogSource(store::Storage& store, uint64_t first_seq) {
  return std::make_unique<LogEvents>(store, first_seq);
}

std::unique_ptr<EventSource> FileSource(std::string path) {
  return std::make_unique<FileEvents>(std::move(path));
}

Result<uint64_t> FirstSeqAtOrAfter(store::ReadTxn& txn, TimeMicros t) {
  MAMORI_ASSIGN_OR_RETURN(auto state, audit::ReadState(txn));
  uint64_t lo = 0, hi = state ? state->size : 0;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, mid));
    if (!ev)
      return Fail(
          Status::DataLoss("an audit event is missing", "監査イベントが欠落しています", "event"));
    if (ev->time < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

int WarmupDays(const Parameters& p) {
  // baseline_days are days with activity: twice as many calendar days
  // covers weekends and leave, and a week more the longest holidays.
  return static_cast<int>(p.baseline_days) * 2 + 7;
}

Status RunAnalysis(EventSource& events, const Parameters& params, const Facts& facts,
                   TimeMicros from, TimeMicros to, const std::function<Status(const Finding&)>& out,
                   RunStats* stats) {
  MAMORI_ASSIGN_OR_RETURN(auto calendar, CalendarOf(params));
  Collector collector;
  collector.Limit(from, to);
  Evaluator evaluator(params, calendar, facts, collector);
  RunStats local;
  RunStats& st = stats ? *stats : local;
  st = RunStats{};
  TimeMicros latest = INT64_MIN;
  auto flush = [&](std::vector<Collected> done) -> Status {
    for (auto& c : done) {
      ++st.findings;
      MAMORI_RETURN_IF_ERROR(out(c.finding));
    }
    return Status::Ok();
  };
  uint64_t after = 0;  // consecutive events after the period
  MAMORI_RETURN_IF_ERROR(events.ForEach([&](const EventView& ev) -> Result<bool> {
    if (ev.time >= to + kLateSlack) return ++after < kStopAfter;
    after = 0;
    ++st.events;
    if (ev.time >= from && ev.time < to) ++st.events_in_period;
    evaluator.Add(ev);
    latest = std::max(latest, ev.time);
    if ((st.events & 4095) == 0) {
      st.peak_state = std::max(st.peak_state, evaluator.StateEntries() + collector.size());
      MAMORI_RETURN_IF_ERROR(flush(collector.TakeClosed(latest - kLateSlack)));
    }
    return true;
  }));
  st.peak_state = std::max(st.peak_state, evaluator.StateEntries() + collector.size());
  return flush(collector.TakeAll());
}

}  // namespace mamori::analysis
