#include "analysis/monitor.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

#include "analysis/assign.h"
#include "analysis/collector.h"
#include "analysis/facts.h"
#include "analysis/findings.h"
#include "analysis/lists.h"
#include "analysis/run.h"
#include "analysis/store_util.h"
#include "audit/log.h"

namespace mamori::analysis {
// How far the continuous evaluation has come (stored at ana/cursor).
struct MonitorCursor {
  uint64_t next_seq = 0;
  TimeMicros last_event_time = 0;
  int64_t lists_through = 0;  // the last business day whose lists exist (day number)
  bool behind_raised = false;
  TimeMicros last_round = 0;
};

namespace {

constexpr int64_t kDayMicros = 86'400 * kMicrosPerSecond;
using Cursor = MonitorCursor;

nlohmann::json CursorToJson(const Cursor& c) {
  return {{"next_seq", c.next_seq},
          {"last_event_time", c.last_event_time},
          {"lists_through", FormatDate(CivilFromDays(c.lists_through))},
          {"behind_raised", c.behind_raised},
          {"last_round", c.last_round}};
}

Result<std::optional<Cursor>> ReadCursor(store::ReadTxn& txn) {
  MAMORI_ASSIGN_OR_RETURN(auto j, internal::ReadJson(txn, internal::kCursorKey, "cursor"));
  if (!j) return std::optional<Cursor>();
  try {
    Cursor c;
    c.next_seq = j->at("next_seq").get<uint64_t>();
    c.last_event_time = j->at("last_event_time").get<int64_t>();
    auto d = ParseDate(j->at("lists_through").get<std::string>());
    if (!d) return Fail(internal::Corrupt("cursor"));
    c.lists_through = DaysFromCivil(*d);
    c.behind_raised = j->at("behind_raised").get<bool>();
    c.last_round = j->at("last_round").get<int64_t>();
    return std::optional<Cursor>(c);
  } catch (const nlohmann::json::exception&) {
    return Fail(internal::Corrupt("cursor"));
  }
}

Finding SystemFinding(Rule rule, Severity sev, TimeMicros now) {
  Finding f;
  f.rule = rule;
  f.severity = sev;
  f.from = f.to = now;
  f.count = 1;
  return f;
}

}  // namespace

std::function<Result<std::vector<engine::TakeoutRecord>>(CivilDate)> OpenTakeoutsOf(
    engine::Engine& engine) {
  engine::Engine* e = &engine;
  return [e](CivilDate before) -> Result<std::vector<engine::TakeoutRecord>> {
    engine::Context ctx;
    ctx.actor = std::string(internal::kAnalysisActor);
    ctx.terminal = std::string(internal::kAnalysisTerminal);
    engine::TakeoutFilter filter;
    filter.open_only = true;
    filter.due_before = before;
    return e->ListTakeouts(ctx, filter);
  };
}

double Heartbeat::LagSeconds(TimeMicros now) const {
  if (oldest_waiting == 0 || now <= oldest_waiting) return 0;
  return static_cast<double>(now - oldest_waiting) / kMicrosPerSecond;
}

size_t Heartbeat::DelayBucket(TimeMicros delay) {
  const double ms = static_cast<double>(delay) / 1000.0;
  if (ms < 1) return 0;
  const double k = std::floor(4 * std::log2(ms));
  return std::min(static_cast<size_t>(k), kDelayBuckets - 1);
}

double Heartbeat::DelayBucketEndMs(size_t k) { return std::exp2(static_cast<double>(k + 1) / 4); }

bool Heartbeat::Behind(TimeMicros now) const {
  const TimeMicros limit = int64_t{behind_seconds} * kMicrosPerSecond;
  if (oldest_waiting != 0 && now - oldest_waiting > limit) return true;
  return running && last_round != 0 && now - last_round > limit;
}

struct Monitor::Impl {
  bool ready = false;
  MonitorCursor cursor;
  Parameters params;
  jp::BusinessCalendar calendar;
  Facts facts;
  Collector collector;
  std::unique_ptr<Evaluator> evaluator;
  // The accesses of the lists not produced yet: list day → dataset → counts.
  std::map<int64_t, std::map<std::string, ListCounts>> pending_lists;
  // The same for the inquiry lists (lists.h): inquiries run and answers
  // received, per inquiry dataset.
  std::map<int64_t, std::map<std::string, ListCounts>> pending_inquiries;
  // The JST day whose overdue take-outs were last looked at.
  int64_t takeouts_day = -1;

  void Evaluate(const EventView& ev) {
    evaluator->Add(ev);
    CountInquiry(ev);
    if (!Evaluator::IsAccess(ev) || ev.dataset.empty()) return;
    const int64_t day = ListDayOf(calendar, JstDayNumber(ev.time));
    if (day <= cursor.lists_through) return;  // its list exists: a late event (run.h covers it)
    pending_lists[day][std::string(ev.dataset)].Add(ev);
  }

  void CountInquiry(const EventView& ev) {
    const bool run = ev.operation == "inquiry.run";
    if ((!run && ev.operation != "inquiry.answer") || ev.result != audit::kResultOk ||
        !facts.inquiry.contains(ev.dataset)) {
      return;
    }
    const int64_t day = ListDayOf(calendar, JstDayNumber(ev.time));
    if (day <= cursor.lists_through) return;
    ListCounts& c = pending_inquiries[day][std::string(ev.dataset)];
    if (run) {
      c.Add(ev);
    } else if (ev.attr_count == "1") {
      ++c.answers;
    }
  }
};

Monitor::Monitor(store::Storage& store, const policy::Directory& directory, MonitorOptions options)
    : store_(store),
      directory_(directory),
      options_(std::move(options)),
      impl_(std::make_unique<Impl>()) {}

Monitor::~Monitor() { Stop(); }

TimeMicros Monitor::Now() const { return options_.clock ? options_.clock() : NowMicros(); }

Status Monitor::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return Status::Ok();
  stop_ = false;
  beat_.running = true;
  thread_ = std::thread([this] { Run(); });
  return Status::Ok();
}

void Monitor::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    beat_.running = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Monitor::Run() {
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    auto n = Round(Now());
    std::unique_lock lock(mu_);
    if (!n || *n < options_.batch) {
      // Caught up (or failed: the next round retries from the stored cursor).
      wake_.wait_for(lock, n ? options_.poll : std::chrono::milliseconds(1000),
                     [this] { return stop_; });
    }
  }
}

Heartbeat Monitor::heartbeat() const {
  std::lock_guard lock(mu_);
  return beat_;
}

Result<size_t> Monitor::Round(TimeMicros now) {
  Impl& m = *impl_;
  auto failed = [&](Status s) -> Result<size_t> {
    m.ready = false;  // rebuilt from the stored cursor next round
    std::lock_guard lock(mu_);
    ++beat_.failures;
    return Fail(std::move(s));
  };

  // Parameters and facts may change between rounds; the evaluator refers
  // to these members, so they are updated in place.
  auto params = GetParameters(store_);
  if (!params) return failed(params.error());
  if (!m.evaluator || params->closed != m.params.closed) {
    auto cal = CalendarOf(*params);
    if (!cal) return failed(cal.error());
    m.calendar = std::move(*cal);
  }
  m.params = *params;
  auto facts = LoadFacts(store_);
  if (!facts) return failed(facts.error());
  m.facts = std::move(*facts);

  EventParser parser;
  EventView ev;
  if (!m.ready) {
    m.collector = Collector();
    m.evaluator = std::make_unique<Evaluator>(m.params, m.calendar, m.facts, m.collector);
    m.pending_lists.clear();
    m.pending_inquiries.clear();
    std::optional<MonitorCursor> stored;
    Status s = store_.View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(stored, ReadCursor(txn));
      if (!stored || stored->next_seq == 0) return Status::Ok();
      // Rebuild: the baselines' days and the lists' periods, without reporting.
      const TimeMicros from = std::min(stored->last_event_time - WarmupDays(m.params) * kDayMicros,
                                       JstMidnight(CivilFromDays(stored->lists_through + 1)));
      MAMORI_ASSIGN_OR_RETURN(uint64_t first, FirstSeqAtOrAfter(txn, from));
      m.cursor = *stored;
      m.collector.Limit(INT64_MAX, INT64_MAX);
      return txn.ScanEach(audit::EventKey(first), audit::EventKey(stored->next_seq),
                          [&](std::string_view, std::string_view value) -> Result<bool> {
                            MAMORI_RETURN_IF_ERROR(parser.Parse(value, ev));
                            m.Evaluate(ev);
                            return true;
                          });
    });
    m.collector = Collector();
    if (!s.ok()) return failed(s);
    if (!stored) {
      MonitorCursor c;
      // Lists start with today's business day; its period begins the day
      // after the business day before it.
      int64_t d = ListDayOf(m.calendar, JstDayNumber(now)) - 1;
      while (!m.calendar.IsBusinessDayNumber(d)) --d;
      c.lists_through = d;
      m.cursor = c;
    } else {
      m.cursor = *stored;
    }
    m.ready = true;
  }

  // 1. The events since the cursor.
  MonitorCursor next = m.cursor;
  uint64_t log_size = 0;
  TimeMicros waiting_at_start = 0, waiting_after = 0;
  TimeMicros oldest_evaluated = 0;
  std::vector<TimeMicros> times;  // of the evaluated events not the analysis's own
  size_t evaluated = 0;
  std::vector<ReconciliationList> pending;
  Status read = store_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto state, audit::ReadState(txn));
    log_size = state ? state->size : 0;
    const uint64_t end = std::min<uint64_t>(log_size, next.next_seq + options_.batch);
    MAMORI_RETURN_IF_ERROR(txn.ScanEach(
        audit::EventKey(next.next_seq), audit::EventKey(end),
        [&](std::string_view, std::string_view value) -> Result<bool> {
          MAMORI_RETURN_IF_ERROR(parser.Parse(value, ev));
          // The analysis's own events of the last round wait for this one by
          // design: they say nothing about lateness.
          if (waiting_at_start == 0 && ev.actor != internal::kAnalysisActor) {
            waiting_at_start = ev.time;
          }
          m.Evaluate(ev);
          ++evaluated;
          if (ev.actor != internal::kAnalysisActor) {
            times.push_back(ev.time);
            oldest_evaluated = oldest_evaluated ? std::min(oldest_evaluated, ev.time) : ev.time;
          }
          next.next_seq = ev.seq + 1;
          next.last_event_time = std::max(next.last_event_time, ev.time);
          return true;
        }));
    if (next.next_seq < log_size) {
      MAMORI_ASSIGN_OR_RETURN(auto first_waiting, audit::ReadEvent(txn, next.next_seq));
      if (first_waiting) waiting_after = first_waiting->time;
    }
    MAMORI_ASSIGN_OR_RETURN(pending, Lists::PendingIn(txn));
    return Status::Ok();
  });
  if (!read.ok()) return failed(read);
  std::vector<Collected> found = m.collector.TakeAll();

  // 2. The lists of the business days that are over and fully read.
  const TimeMicros grace = int64_t{m.params.list_grace_minutes} * 60 * kMicrosPerSecond;
  const bool caught_up = next.next_seq >= log_size;
  std::vector<ReconciliationList> produced;
  for (int64_t day = ListDayOf(m.calendar, next.lists_through + 1);;
       day = ListDayOf(m.calendar, day + 1)) {
    const TimeMicros ready_at = JstMidnight(CivilFromDays(day + 1)) + grace;
    if (now < ready_at || (!caught_up && next.last_event_time < ready_at)) break;
    std::map<std::string, ListCounts> counts = m.pending_lists[day];
    for (const auto& name : DatasetNames(m.facts)) counts.try_emplace(name);
    int64_t prev = day - 1;
    while (!m.calendar.IsBusinessDayNumber(prev)) --prev;
    // One list of `day` for `dataset`, due the next business day.
    auto produce = [&](ListKind kind, const std::string& dataset, ListCounts c) -> Status {
      ReconciliationList l;
      l.kind = kind;
      l.dataset = dataset;
      auto dept = m.facts.department.find(dataset);
      l.department = dept == m.facts.department.end() ? "" : dept->second;
      l.date = CivilFromDays(day);
      l.period_from = CivilFromDays(prev + 1);
      l.counts = std::move(c);
      MAMORI_ASSIGN_OR_RETURN(l.due, ListDue(m.calendar, l.date));
      MAMORI_ASSIGN_OR_RETURN(l.overdue_at, ListOverdueAt(m.calendar, l.due));
      l.produced_at = now;
      produced.push_back(std::move(l));
      return Status::Ok();
    };
    for (auto& [dataset, c] : counts) {
      Status made = produce(ListKind::kAccess, dataset, std::move(c));
      if (!made.ok()) return failed(made);
    }
    // Every inquiry dataset's inquiry list, a day without inquiries too.
    std::map<std::string, ListCounts> inquiries = m.pending_inquiries[day];
    for (const auto& name : m.facts.inquiry) inquiries.try_emplace(name);
    for (auto& [dataset, c] : inquiries) {
      if (!m.facts.inquiry.contains(dataset)) continue;
      Status made = produce(ListKind::kInquiry, dataset, std::move(c));
      if (!made.ok()) return failed(made);
    }
    next.lists_through = day;
  }

  // 3. Overdue lists; 4. the analysis itself behind.
  std::vector<std::pair<size_t, ReconciliationList>> escalations;  // index into found
  for (auto& l : pending) {
    if (!l.escalation.empty() || now < l.overdue_at) continue;
    Collected c;
    c.key.rule = Rule::kListOverdue;
    c.key.actor = l.confirmer;
    c.key.dataset = l.dataset;
    c.key.detail = l.id;
    c.key.window_start = l.overdue_at;
    c.key.window_end = l.overdue_at + 1;
    c.finding = SystemFinding(Rule::kListOverdue, Severity::kMedium, now);
    c.finding.actor = l.confirmer;
    c.finding.dataset = l.dataset;
    c.finding.detail = l.id;
    c.finding.window_start = c.key.window_start;
    c.finding.window_end = c.key.window_end;
    escalations.emplace_back(found.size(), l);
    found.push_back(std::move(c));
  }
  // 5. Take-outs not confirmed by their day (once per JST day): due the
  // first business day on or after `until`, overdue once it is over.
  const int64_t today = JstDayNumber(now);
  if (options_.open_takeouts && m.takeouts_day != today) {
    auto open = options_.open_takeouts(CivilFromDays(today));
    if (!open) return failed(open.error());
    for (const auto& t : *open) {
      int64_t due = DaysFromCivil(t.until);
      while (due < today && !m.calendar.IsBusinessDayNumber(due)) ++due;
      if (due >= today) continue;
      Collected c;
      c.key.rule = Rule::kTakeoutOverdue;
      c.key.actor = t.exported_by;
      c.key.dataset = t.dataset;
      c.key.detail = t.id;
      c.key.window_start = JstMidnight(CivilFromDays(due + 1));
      c.key.window_end = c.key.window_start + 1;
      c.finding = SystemFinding(Rule::kTakeoutOverdue, Severity::kHigh, now);
      c.finding.actor = t.exported_by;
      c.finding.dataset = t.dataset;
      c.finding.detail = t.id;
      c.finding.evidence = {t.export_seq};
      c.finding.window_start = c.key.window_start;
      c.finding.window_end = c.key.window_end;
      found.push_back(std::move(c));
    }
  }
  // 6. The governance cycles' overdue steps (once per JST day).
  if (options_.overdue_steps && m.takeouts_day != today) {
    auto overdue = options_.overdue_steps(CivilFromDays(today), now);
    if (!overdue) return failed(overdue.error());
    for (auto& c : *overdue) found.push_back(std::move(c));
  }
  const TimeMicros limit = int64_t{m.params.behind_seconds} * kMicrosPerSecond;
  const bool behind = waiting_at_start != 0 && now - waiting_at_start > limit;
  if (behind && !next.behind_raised) {
    Collected c;
    c.key.rule = Rule::kAnalysisBehind;
    const int64_t day = JstDayNumber(now);
    c.key.window_start = JstMidnight(CivilFromDays(day));
    c.key.window_end = c.key.window_start + kDayMicros;
    c.finding = SystemFinding(Rule::kAnalysisBehind, Severity::kHigh, now);
    c.finding.from = waiting_at_start;
    c.finding.evidence = {m.cursor.next_seq};  // the event that waited longest
    c.finding.window_start = c.key.window_start;
    c.finding.window_end = c.key.window_end;
    found.push_back(std::move(c));
    next.behind_raised = true;
  }
  if (caught_up) next.behind_raised = false;

  // Whom each goes to: the directory, outside the transaction.
  Assigner assigner(directory_);
  std::vector<Assignment> owners;
  for (const auto& c : found) {
    auto a = Findings::AssignFor(assigner, c.key, m.facts, c.finding.department);
    if (!a) return failed(a.error());
    owners.push_back(std::move(*a));
  }
  for (auto& l : produced) {
    std::set<std::string> accessed;
    for (const auto& [user, n] : l.counts.users) accessed.insert(user);
    auto who = assigner.Confirmer(l.department, accessed);
    if (!who) return failed(who.error());
    l.confirmer = *who;
  }

  next.last_round = now;
  const bool takeouts_looked =
      static_cast<bool>(options_.open_takeouts) || static_cast<bool>(options_.overdue_steps);
  Status wrote = store_.Update([&](store::WriteTxn& txn) -> Status {
    // Several servers on one store each run a monitor. The round that
    // commits first stands; a round whose starting cursor was meanwhile
    // advanced by another commits nothing and rebuilds from the stored
    // cursor next time, so no event is evaluated twice.
    MAMORI_ASSIGN_OR_RETURN(auto stored, ReadCursor(txn));
    if ((stored ? stored->last_round : 0) != m.cursor.last_round ||
        (stored ? stored->next_seq : 0) != m.cursor.next_seq) {
      return Status::Unavailable("another server's monitor evaluated these events first",
                                 "他のサーバーの監視がこのイベントを先に評価しました");
    }
    std::vector<std::string> ids(found.size());
    for (size_t i = 0; i < found.size(); ++i) {
      MAMORI_ASSIGN_OR_RETURN(
          ids[i], Findings::MergeIn(txn, found[i], owners[i], m.params, m.calendar, now));
    }
    for (auto& [i, l] : escalations) MAMORI_RETURN_IF_ERROR(Lists::EscalatedIn(txn, l, ids[i]));
    for (auto& l : produced) {
      Status s = Lists::ProduceIn(txn, l);
      if (!s.ok() && s.code() != Code::kAlreadyExists) return s;
    }
    return internal::WriteJson(txn, internal::kCursorKey, CursorToJson(next));
  });
  if (!wrote.ok()) return failed(wrote);

  const TimeMicros committed = Now();
  for (auto it = m.pending_lists.begin();
       it != m.pending_lists.end() && it->first <= next.lists_through;) {
    it = m.pending_lists.erase(it);
  }
  for (auto it = m.pending_inquiries.begin();
       it != m.pending_inquiries.end() && it->first <= next.lists_through;) {
    it = m.pending_inquiries.erase(it);
  }
  m.cursor = next;
  if (takeouts_looked) m.takeouts_day = today;
  std::lock_guard lock(mu_);
  beat_.evaluated = next.next_seq;
  beat_.log_size = log_size;
  beat_.last_round = committed;
  beat_.oldest_waiting = waiting_after;
  beat_.behind_seconds = m.params.behind_seconds;
  beat_.rounds++;
  if (!times.empty()) {
    for (TimeMicros t : times) {
      beat_.delay_sum += committed - t;
      ++beat_.delay_buckets[Heartbeat::DelayBucket(committed - t)];
    }
    beat_.delay_max = std::max(beat_.delay_max, committed - oldest_evaluated);
    beat_.delay_count += times.size();
  }
  return evaluated;
}

}  // namespace mamori::analysis
