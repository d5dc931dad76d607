#include "analysis/rules.h"

#include <algorithm>
#include <charconv>

#include "analysis/rules_state.h"

namespace mamori::analysis {
namespace {

constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 3'600 * kMicrosPerSecond;
constexpr int64_t kJstMicros = kJstOffsetSeconds * kMicrosPerSecond;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

struct RuleInfo {
  Rule rule;
  std::string_view name, title_ja;
};
constexpr RuleInfo kRuleInfo[] = {
    {Rule::kOffHours, "off_hours", "業務時間外・休業日のアクセス"},
    {Rule::kC3OffHours, "c3_off_hours", "業務時間外の機密性3情報の参照"},
    {Rule::kFrequencySpike, "frequency_spike", "本人の平常時を大きく超えるアクセス頻度"},
    {Rule::kBulkAccess, "bulk_access", "大量の参照・抽出"},
    {Rule::kRarePurpose, "rare_purpose", "通常用いない利用目的でのアクセス"},
    {Rule::kUnregisteredTerminal, "unregistered_terminal", "未登録端末からのアクセス"},
    {Rule::kDisabledId, "disabled_id", "無効化・ロックされたIDの使用の試み"},
    {Rule::kLogonFailures, "logon_failures", "ログオン失敗の集中"},
    {Rule::kConcurrentTerminals, "concurrent_terminals", "同一IDの複数端末からの同時利用"},
    {Rule::kListOverdue, "list_overdue", "アクセス記録の確認リストの確認遅延"},
    {Rule::kAnalysisBehind, "analysis_behind", "ログ分析の遅延"},
    {Rule::kLateFiling, "late_filing", "緊急時の事後届出の遅延"},
    {Rule::kTakeoutOverdue, "takeout_overdue", "持ち出しの返却・廃棄の確認遅延"},
    {Rule::kIncidentReportOverdue, "incident_report_overdue", "個人情報保護委員会への報告の遅延"},
    {Rule::kImprovementOverdue, "improvement_overdue", "内部監査の改善計画の期限超過"},
    {Rule::kInspectionOrderOverdue, "inspection_order_overdue", "自己点検の改善指示の期限超過"},
    {Rule::kRegisterCheckOverdue, "register_check_overdue", "台帳の定期点検・棚卸しの期限超過"},
};

bool IsRead(std::string_view op) {
  return op == "record.get" || op == "record.history" || op == "record.list" ||
         op == "record.find" || op == "record.export";
}

uint64_t Number(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() ? v : 0;
}

// Applications authenticate by certificate and run on servers: the
// terminal and concurrency rules are about people.
bool IsPerson(const Facts& facts, std::string_view actor) {
  return !actor.empty() && actor != "anonymous" && !facts.service_accounts.contains(actor);
}

FindingKey DayKey(Rule rule, std::string_view actor, int64_t day) {
  FindingKey k;
  k.rule = rule;
  k.actor = std::string(actor);
  k.window_start = day * kMicrosPerDay - kJstMicros;
  k.window_end = k.window_start + kMicrosPerDay;
  return k;
}

Hit HitOf(const EventView& ev) { return Hit{ev.seq, ev.time, 1}; }

}  // namespace

std::string_view RuleName(Rule rule) {
  for (const auto& r : kRuleInfo) {
    if (r.rule == rule) return r.name;
  }
  return "";
}
std::optional<Rule> ParseRule(std::string_view name) {
  for (const auto& r : kRuleInfo) {
    if (r.name == name) return r.rule;
  }
  return std::nullopt;
}
std::string_view RuleTitleJa(Rule rule) {
  for (const auto& r : kRuleInfo) {
    if (r.rule == rule) return r.title_ja;
  }
  return "";
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
  }
  return "low";
}
std::optional<Severity> ParseSeverity(std::string_view name) {
  for (Severity s : {Severity::kLow, Severity::kMedium, Severity::kHigh}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

std::string FindingKey::Encode() const {
  // Lengths first, so that no choice of separators inside a member can make
  // two keys encode alike.
  std::string out(RuleName(rule));
  for (const std::string* m : {&actor, &terminal, &dataset, &detail}) {
    out += '|';
    out += std::to_string(m->size());
    out += ':';
    out += *m;
  }
  out += '|' + std::to_string(window_start) + '|' + std::to_string(window_end);
  return out;
}

int64_t JstDayNumber(TimeMicros t) { return FloorDiv(t + kJstMicros, kMicrosPerDay); }
uint32_t JstMinuteOfDay(TimeMicros t) {
  const int64_t in_day = (t + kJstMicros) - JstDayNumber(t) * kMicrosPerDay;
  return static_cast<uint32_t>(in_day / (60 * kMicrosPerSecond));
}

Evaluator::Evaluator(const Parameters& params, const jp::BusinessCalendar& calendar,
                     const Facts& facts, Sink& sink)
    : params_(params),
      calendar_(calendar),
      facts_(facts),
      sink_(sink),
      state_(std::make_unique<State>()) {}
Evaluator::~Evaluator() = default;

bool Evaluator::IsAccess(const EventView& ev) {
  return ev.operation.starts_with("record.") && ev.result == "ok" && !ev.actor.empty();
}

uint64_t Evaluator::RecordsDisclosed(const EventView& ev) {
  const std::string_view op = ev.operation;
  if (op == "record.get" || op == "record.history") return 1;
  if (op == "record.list") return ev.attr_count.empty() ? 1 : Number(ev.attr_count);
  if (op == "record.find") return Number(ev.attr_matches);
  if (op == "record.export") return Number(ev.attr_count);
  return 0;
}

void Evaluator::Add(const EventView& ev) {
  // The analysis's own events (findings, lists) are not evidence of anything.
  if (ev.actor == "mamori") return;
  State& st = *state_;
  st.now = std::max(st.now, ev.time);
  const int64_t day = JstDayNumber(ev.time);
  TimeRules(ev, day, JstMinuteOfDay(ev.time));
  VolumeRules(ev, day);
  LogonRules(ev, day);
  TerminalRules(ev, day);
  WorkflowRules(ev, day);
  // Pruning walks every map of the state (14 % of a run's time when it ran
  // every minute, docs/PERFORMANCE.md §5). Once per the shortest window
  // keeps the state within two windows' activity; the rules skip expired
  // entries themselves, so when it runs never changes what they find.
  const int64_t shortest = std::max<uint32_t>(
      1, std::min(params_.concurrent_window_minutes, params_.failure_window_minutes));
  if (st.now - st.last_prune > shortest * 60 * kMicrosPerSecond) Prune(st.now);
}

void Evaluator::WorkflowRules(const EventView& ev, int64_t day) {
  // The approval engine marks a filing made after its deadline; the event
  // is the filing itself, so it is evidence once, whatever came before.
  if (ev.result != "ok" || ev.reason != "approval.late_filing") return;
  sink_.Add(DayKey(Rule::kLateFiling, ev.actor, day), Severity::kMedium, HitOf(ev));
}

void Evaluator::TimeRules(const EventView& ev, int64_t day, uint32_t minute) {
  if (!IsAccess(ev)) return;
  const bool off = !calendar_.IsBusinessDayNumber(day) || minute < params_.business_start_minute ||
                   minute >= params_.business_end_minute;
  if (!off) return;
  auto conf = facts_.confidentiality.find(ev.dataset);
  if (IsRead(ev.operation) && conf != facts_.confidentiality.end() && conf->second >= 3) {
    FindingKey key = DayKey(Rule::kC3OffHours, ev.actor, day);
    key.dataset = std::string(ev.dataset);
    sink_.Add(key, Severity::kHigh, HitOf(ev));
    return;
  }
  uint64_t& n = state_->off_hours[{std::string(ev.actor), day}];
  ++n;
  sink_.Add(DayKey(Rule::kOffHours, ev.actor, day),
            n >= params_.off_hours_high_count ? Severity::kHigh : Severity::kMedium, HitOf(ev));
}

void Evaluator::TerminalRules(const EventView& ev, int64_t day) {
  if (!IsPerson(facts_, ev.actor) || ev.actor == "mamori") return;
  const bool access = IsAccess(ev);
  const bool logon = ev.operation == "identity.login" && ev.result == "ok";
  if (access || logon) {
    const std::string_view t = ev.terminal;
    const bool registered = !t.empty() && (t.starts_with("local:") || facts_.terminals.contains(t));
    if (!registered) {
      FindingKey key = DayKey(Rule::kUnregisteredTerminal, ev.actor, day);
      key.terminal = t.empty() ? "(none)" : std::string(t);
      auto conf = facts_.confidentiality.find(ev.dataset);
      const bool c3 = access && conf != facts_.confidentiality.end() && conf->second >= 3;
      sink_.Add(key, c3 ? Severity::kHigh : Severity::kMedium, HitOf(ev));
    }
  }
  if (ev.result != "ok" || ev.terminal.empty()) return;
  // concurrent_terminals: another terminal of the same person within the window.
  const TimeMicros window = int64_t{params_.concurrent_window_minutes} * 60 * kMicrosPerSecond;
  auto& seen = state_->seen[std::string(ev.actor)];
  bool found = false;
  for (auto& s : seen) {
    if (s.terminal == ev.terminal || ev.time - s.time > window || s.time - ev.time > window) {
      continue;
    }
    const FindingKey key = DayKey(Rule::kConcurrentTerminals, ev.actor, day);
    if (!s.reported) sink_.Add(key, Severity::kHigh, Hit{s.seq, s.time, 1});
    s.reported = true;
    if (!found) sink_.Add(key, Severity::kHigh, HitOf(ev));
    found = true;
  }
  auto it = std::find_if(seen.begin(), seen.end(),
                         [&](const State::Seen& s) { return s.terminal == ev.terminal; });
  if (it == seen.end()) {
    if (seen.size() >= 8) {
      seen.erase(std::min_element(seen.begin(), seen.end(),
                                  [](const auto& a, const auto& b) { return a.time < b.time; }));
    }
    seen.push_back({std::string(ev.terminal), ev.time, ev.seq, found});
  } else {
    it->time = std::max(it->time, ev.time);
    it->seq = ev.seq;
    it->reported = found;
  }
}

void Evaluator::Prune(TimeMicros now) {
  State& st = *state_;
  st.last_prune = now;
  const int64_t today = JstDayNumber(now);
  std::erase_if(st.off_hours, [&](const auto& e) { return e.first.second < today - 1; });
  const TimeMicros failures = int64_t{params_.failure_window_minutes} * 60 * kMicrosPerSecond;
  for (auto* m : {&st.user_failures, &st.source_failures}) {
    std::erase_if(*m, [&](const auto& e) {
      return e.second.recent.empty() || now - e.second.recent.back().time > failures;
    });
  }
  const TimeMicros concurrent = int64_t{params_.concurrent_window_minutes} * 60 * kMicrosPerSecond;
  for (auto it = st.seen.begin(); it != st.seen.end();) {
    std::erase_if(it->second, [&](const State::Seen& s) { return now - s.time > concurrent; });
    it = it->second.empty() ? st.seen.erase(it) : std::next(it);
  }
  const int64_t hour = FloorDiv(now + kJstMicros, kMicrosPerHour);
  std::erase_if(st.hours, [&](const auto& e) { return e.second.hour < hour - 1; });
}

size_t Evaluator::StateEntries() const {
  const State& st = *state_;
  size_t n =
      st.off_hours.size() + st.hours.size() + st.user_failures.size() + st.source_failures.size();
  for (const auto& [a, d] : st.days) n += 1 + d.history.size() + d.pending.size();
  for (const auto& [a, p] : st.purposes) n += 1 + p.count.size();
  for (const auto& [a, s] : st.seen) n += s.size();
  for (const auto& [a, h] : st.hours) n += h.pending.size();
  return n;
}

}  // namespace mamori::analysis
