// The analysis of access records over millions of audit events, next to
// SQLite running the aggregation a user would write instead, over the same
// events in the same run. Targets (docs/PERFORMANCE.md §5): the analysis at
// least as fast as the SQL, and its peak memory independent of the number
// of events.
//
// For each size (--sizes, default 1M and 10M events) the generator
// (bench/event_generator.h: 2 000 synthetic people, a year of JST days)
// writes the events twice: as a JSON-lines file in the shape `mamori audit
// events` prints, which the analysis reads as `mamori analysis run --events
// FILE` does (analysis::RunAnalysis over analysis::FileSource, every rule,
// default parameters), and as rows of an SQLite table `events`, with the
// time as integer microseconds and attrs.count/matches as integer columns
// (the shape that favours SQL most), beside tables of the closed days, the
// registered terminals and the datasets' confidentiality. Loading is not
// timed: a user of SQL would have the table already.
//
// Each side runs in a child process of its own (this binary again, with
// --child), so the peak resident memory each reports (VmHWM of
// /proc/self/status) is its own and nothing one side allocated is counted
// for the other; the sides alternate over --rounds rounds and the table
// gives the median and the range. CPU seconds (getrusage) are printed next
// to wall seconds: on a shared machine they are the steadier figure.
//
// The SQL covers every event rule of analysis/rules.h, one query per rule,
// with the default parameters as constants: off_hours and c3_off_hours
// (one GROUP BY actor, JST day and the C3-read flag over the events outside
// 08:00–20:00 or on a closed day), bulk_access (records per actor and JST
// clock hour, HAVING ≥ 100; exports ≥ 500), unregistered_terminal (an
// anti-join with the terminals), disabled_id (a filter and GROUP BY),
// frequency_spike (daily counts, then a window over the person's previous
// 20 active days), rare_purpose (two running counts per person and per
// person and purpose), logon_failures (a 10-minute RANGE window per user
// and per source), concurrent_terminals (LAG over each person's events:
// only consecutive events are compared, a simplification the analysis
// does not make). Each query's row count is printed next to the number of
// findings the analysis reported for its rule: equal counts say that both
// sides computed the same thing.
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

#include "analysis/run.h"
#include "bench/bench_common.h"
#include "bench/event_generator.h"
#include "core/time.h"

namespace mamori::bench {
namespace {

// Peak and current resident set of this process, KiB.
long StatusKib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.starts_with(prefix)) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  }
  return -1;
}

double CpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

TimeMicros PeriodStart() { return JstMidnight({2024, 1, 1}); }
TimeMicros PeriodEnd(int days) {
  return JstMidnight(CivilFromDays(DaysFromCivil({2024, 1, 1}) + days));
}

analysis::Facts BenchFacts(int users) {
  analysis::Facts facts;
  for (int i = 0; i < users; ++i) facts.terminals.insert(GenTerminal(i));
  for (const auto& ds : GenDatasets()) {
    facts.confidentiality[ds.name] = ds.confidentiality;
    facts.department[ds.name] = "総務部";
  }
  return facts;
}

// ---- the two children -------------------------------------------------------

int ChildAnalysis(const std::string& events, int users, int days) {
  const long rss_start = StatusKib("VmRSS");
  const analysis::Facts facts = BenchFacts(users);
  const analysis::Parameters params;
  std::map<std::string, uint64_t> by_rule;
  analysis::RunStats stats;
  const double cpu0 = CpuSeconds();
  const auto start = Clock::now();
  auto source = analysis::FileSource(events);
  Must(analysis::RunAnalysis(
           *source, params, facts, PeriodStart(), PeriodEnd(days),
           [&](const analysis::Finding& f) {
             ++by_rule[std::string(analysis::RuleName(f.rule))];
             return Status::Ok();
           },
           &stats),
       "analysis run");
  const double wall = SecondsSince(start);
  nlohmann::json out = {{"seconds", wall},
                        {"cpu", CpuSeconds() - cpu0},
                        {"rss_start_kib", rss_start},
                        {"hwm_kib", StatusKib("VmHWM")},
                        {"events", stats.events},
                        {"findings", stats.findings},
                        {"peak_state", stats.peak_state},
                        {"rows", by_rule}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

struct Query {
  const char* rule;
  bool window;  // uses a window function (the others are a filter and GROUP BY)
  const char* sql;
};

// JST day, minute of the day and clock hour of `time` (µs UTC):
// +32400000000 is +9 h.
#define JST_DAY "((time + 32400000000) / 86400000000)"
#define JST_MINUTE "(((time + 32400000000) % 86400000000) / 60000000)"
#define JST_HOUR "((time + 32400000000) / 3600000000)"
#define ACCESS \
  "operation LIKE 'record.%' AND result = 'ok' AND actor IS NOT NULL AND actor <> 'mamori'"
#define IS_READ \
  "operation IN ('record.get', 'record.history', 'record.list', 'record.find', 'record.export')"
#define WHO "COALESCE(actor, 'unknown:' || substr(subject, 1, 16))"

const Query kQueries[] = {
    // One row per (actor, day) for off_hours and per (actor, day, dataset)
    // for c3_off_hours: a C3 read off hours counts there only.
    {"off_hours + c3_off_hours", false,
     "SELECT actor, day, c3, COUNT(*) FROM ("
     " SELECT actor, " JST_DAY " AS day, " JST_MINUTE " AS minute,"
     "  CASE WHEN " IS_READ " AND dataset IN (SELECT name FROM datasets WHERE confidentiality >= 3)"
     "   THEN dataset ELSE '' END AS c3"
     " FROM events WHERE " ACCESS
     ") WHERE day IN (SELECT day FROM closed_days) OR minute < 480 OR minute >= 1200"
     " GROUP BY actor, day, c3"},
    {"bulk_access", false,
     "SELECT actor, " JST_HOUR " AS hour, SUM(CASE"
     "  WHEN operation IN ('record.get', 'record.history') THEN 1"
     "  WHEN operation = 'record.list' THEN COALESCE(count, 1)"
     "  WHEN operation = 'record.find' THEN COALESCE(matches, 0)"
     "  WHEN operation = 'record.export' THEN COALESCE(count, 0) ELSE 0 END) AS n"
     " FROM events WHERE " ACCESS " GROUP BY actor, hour HAVING n >= 100"
     " UNION ALL SELECT actor, " JST_DAY ", COUNT(*) FROM events"
     " WHERE " ACCESS " AND operation = 'record.export' AND count >= 500"
     " GROUP BY actor, 2, dataset"},
    {"unregistered_terminal", false,
     "SELECT actor, " JST_DAY " AS day, terminal, COUNT(*) FROM events"
     " WHERE ((" ACCESS ") OR (operation = 'identity.login' AND result = 'ok'"
     "  AND actor IS NOT NULL AND actor <> 'mamori'))"
     " AND (terminal IS NULL OR (terminal NOT LIKE 'local:%'"
     "  AND terminal NOT IN (SELECT id FROM terminals)))"
     " GROUP BY actor, day, terminal"},
    {"disabled_id", false,
     "SELECT " WHO ", " JST_DAY ", reason, COUNT(*) FROM events"
     " WHERE operation IN ('identity.login', 'identity.cert_auth') AND result = 'refused'"
     " AND reason IN ('disabled', 'locked', 'certificate.disabled') GROUP BY 1, 2, 3"},
    {"frequency_spike", true,
     "WITH daily AS (SELECT actor, " JST_DAY " AS day, COUNT(*) AS n FROM events"
     "  WHERE " ACCESS " GROUP BY actor, day),"
     " b AS (SELECT actor, day, n, COUNT(*) OVER w AS days, SUM(n) OVER w AS total FROM daily"
     "  WINDOW w AS (PARTITION BY actor ORDER BY day ROWS BETWEEN 20 PRECEDING AND 1 PRECEDING))"
     " SELECT actor, day, n FROM b WHERE days >= 5 AND n >= 50 AND n * 100 * days >= 300 * total"},
    {"rare_purpose", true,
     "SELECT actor, day, purpose, dataset, COUNT(*) FROM ("
     " SELECT actor, purpose, dataset, " JST_DAY " AS day,"
     "  COUNT(*) OVER (PARTITION BY actor ORDER BY seq"
     "   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS total,"
     "  COUNT(*) OVER (PARTITION BY actor, purpose ORDER BY seq"
     "   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before"
     " FROM events WHERE " ACCESS " AND purpose IS NOT NULL"
     "  AND purpose NOT IN ('disposal', 'retention', '(unregistered)'))"
     " WHERE total >= 100 AND before * 100 < 5 * total GROUP BY actor, day, purpose, dataset"},
    // Failed logons within 10 minutes: at least 5 per user, 10 per source.
    {"logon_failures", true,
     "WITH f AS (SELECT " WHO " AS who, terminal, time, " JST_DAY " AS day FROM events"
     "  WHERE operation = 'identity.login' AND result = 'refused'"
     "  AND reason NOT IN ('locked', 'attempts_in_flight'))"
     " SELECT who, day, COUNT(*) FROM (SELECT who, day, COUNT(*) OVER (PARTITION BY who"
     "  ORDER BY time RANGE BETWEEN 600000000 PRECEDING AND CURRENT ROW) AS n FROM f)"
     "  WHERE n >= 5 GROUP BY who, day"
     " UNION ALL SELECT terminal, day, COUNT(*) FROM (SELECT terminal, day, COUNT(*) OVER"
     "  (PARTITION BY terminal ORDER BY time RANGE BETWEEN 600000000 PRECEDING AND CURRENT ROW)"
     "  AS n FROM f WHERE terminal IS NOT NULL) WHERE n >= 10 GROUP BY terminal, day"},
    {"concurrent_terminals", true,
     "SELECT actor, day, COUNT(*) FROM (SELECT actor, terminal, time, " JST_DAY " AS day,"
     "  LAG(terminal) OVER w AS prev_terminal, LAG(time) OVER w AS prev_time FROM events"
     "  WHERE result = 'ok' AND terminal IS NOT NULL AND actor IS NOT NULL AND actor <> 'mamori'"
     "  WINDOW w AS (PARTITION BY actor ORDER BY time))"
     " WHERE prev_terminal <> terminal AND time - prev_time <= 300000000 GROUP BY actor, day"},
};

int ChildSql(const std::string& db_path) {
  const long rss_start = StatusKib("VmRSS");
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Die("open " + db_path);
  }
  nlohmann::json rows = nlohmann::json::object(), per_query = nlohmann::json::object();
  const double cpu0 = CpuSeconds();
  const auto start = Clock::now();
  for (const auto& q : kQueries) {
    const auto q_start = Clock::now();
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, q.sql, -1, &st, nullptr) != SQLITE_OK) {
      Die(std::string("prepare ") + q.rule + ": " + sqlite3_errmsg(db));
    }
    uint64_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) ++n;
    if (rc != SQLITE_DONE) Die(std::string("step ") + q.rule + ": " + sqlite3_errmsg(db));
    sqlite3_finalize(st);
    rows[q.rule] = n;
    per_query[q.rule] = SecondsSince(q_start);
  }
  const double wall = SecondsSince(start);
  sqlite3_close(db);
  nlohmann::json out = {{"seconds", wall},
                        {"cpu", CpuSeconds() - cpu0},
                        {"rss_start_kib", rss_start},
                        {"hwm_kib", StatusKib("VmHWM")},
                        {"rows", rows},
                        {"query_seconds", per_query}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

// ---- the parent ----------------------------------------------------------------

struct Prepared {
  std::string jsonl, db;
  double gen_seconds = 0;
  uint64_t jsonl_bytes = 0, db_bytes = 0;
};

void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "?";
    sqlite3_free(err);
    Die("sqlite: " + why);
  }
}

// Writes the events of `o` to `prefix`.jsonl and `prefix`.db, unless both
// are there from an earlier run with the same options (--data-dir).
Prepared Generate(const GenOptions& o, const std::string& prefix) {
  Prepared p;
  p.jsonl = prefix + ".jsonl";
  p.db = prefix + ".db";
  const std::string done = prefix + ".done";
  if (std::filesystem::exists(done)) {
    p.jsonl_bytes = std::filesystem::file_size(p.jsonl);
    p.db_bytes = std::filesystem::file_size(p.db);
    std::fprintf(stderr, "reusing %s.{jsonl,db}\n", prefix.c_str());
    return p;
  }
  std::filesystem::remove(p.db);
  const auto start = Clock::now();
  std::FILE* out = std::fopen(p.jsonl.c_str(), "wb");
  if (out == nullptr) Die("create " + p.jsonl);
  sqlite3* db = nullptr;
  if (sqlite3_open(p.db.c_str(), &db) != SQLITE_OK) Die("create " + p.db);
  Exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
  Exec(db,
       "CREATE TABLE events(seq INTEGER PRIMARY KEY, time INTEGER NOT NULL, actor TEXT,"
       " operation TEXT NOT NULL, dataset TEXT, terminal TEXT, purpose TEXT, result TEXT NOT NULL,"
       " reason TEXT, record TEXT, subject TEXT, count INTEGER, matches INTEGER);"
       "CREATE TABLE closed_days(day INTEGER PRIMARY KEY);"
       "CREATE TABLE terminals(id TEXT PRIMARY KEY);"
       "CREATE TABLE datasets(name TEXT PRIMARY KEY, confidentiality INTEGER NOT NULL);");
  Exec(db, "BEGIN");
  // Closed days as JST day numbers, from the same calendar the analysis uses.
  const jp::BusinessCalendar calendar;
  const int64_t first = DaysFromCivil({2024, 1, 1});
  for (int64_t d = first - 400; d < first + o.days + 400; ++d) {
    if (!calendar.IsBusinessDayNumber(d)) {
      Exec(db, "INSERT INTO closed_days VALUES(" + std::to_string(d) + ")");
    }
  }
  for (int i = 0; i < o.users; ++i) {
    Exec(db, "INSERT INTO terminals VALUES('" + GenTerminal(i) + "')");
  }
  for (const auto& ds : GenDatasets()) {
    Exec(db, "INSERT INTO datasets VALUES('" + ds.name + "', " +
                 std::to_string(ds.confidentiality) + ")");
  }
  sqlite3_stmt* ins = nullptr;
  if (sqlite3_prepare_v2(db,
                         "INSERT INTO events VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                         "?12, ?13)",
                         -1, &ins, nullptr) != SQLITE_OK) {
    Die("prepare insert");
  }
  uint64_t n = 0;
  GenerateEvents(o, [&](const GenEvent& e) {
    std::string line = GenEventJson(e);
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) Die("write " + p.jsonl);
    auto text = [&](int i, const std::string& v) {
      if (v.empty()) {
        sqlite3_bind_null(ins, i);
      } else {
        sqlite3_bind_text(ins, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
      }
    };
    sqlite3_bind_int64(ins, 1, static_cast<int64_t>(e.seq));
    sqlite3_bind_int64(ins, 2, e.time);
    text(3, e.actor);
    text(4, e.operation);
    text(5, e.dataset);
    text(6, e.terminal);
    text(7, e.purpose);
    text(8, e.result);
    text(9, e.reason);
    text(10, e.record);
    text(11, e.subject);
    const bool find = e.operation == "record.find";
    if (e.count > 0 && !find) {
      sqlite3_bind_int64(ins, 12, static_cast<int64_t>(e.count));
    } else {
      sqlite3_bind_null(ins, 12);
    }
    if (e.count > 0 && find) {
      sqlite3_bind_int64(ins, 13, static_cast<int64_t>(e.count));
    } else {
      sqlite3_bind_null(ins, 13);
    }
    if (sqlite3_step(ins) != SQLITE_DONE) Die(std::string("insert: ") + sqlite3_errmsg(db));
    sqlite3_reset(ins);
    if (++n % 1'000'000 == 0) std::fprintf(stderr, "  %llu events\n", (unsigned long long)n);
  });
  sqlite3_finalize(ins);
  Exec(db, "COMMIT");
  sqlite3_close(db);
  if (std::fclose(out) != 0) Die("close " + p.jsonl);
  p.gen_seconds = SecondsSince(start);
  p.jsonl_bytes = std::filesystem::file_size(p.jsonl);
  p.db_bytes = std::filesystem::file_size(p.db);
  std::ofstream(done) << n << "\n";
  return p;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

nlohmann::json RunChild(const std::string& self, const std::string& args) {
  const std::string cmd = Quote(self) + " " + args;
  std::FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) Die("popen " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (::pclose(p) != 0) Die("child failed: " + cmd);
  auto j = nlohmann::json::parse(out, nullptr, false);
  if (!j.is_object()) Die("child printed no result: " + cmd);
  return j;
}

struct Spread {
  double median = 0, lo = 0, hi = 0;
};
Spread Of(std::vector<double> v) {
  Spread s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.lo = v.front();
  s.hi = v.back();
  s.median = v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  return s;
}

std::string Size(uint64_t n) {
  if (n % 1'000'000 == 0) return std::to_string(n / 1'000'000) + "M";
  if (n % 1'000 == 0) return std::to_string(n / 1'000) + "k";
  return std::to_string(n);
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) {
  using namespace mamori;
  using namespace mamori::bench;
  Flags flags(argc, argv,
              "bench_analysis: the analysis of access records (every rule, one pass) over N\n"
              "synthetic audit events next to SQLite running the equivalent aggregation, each\n"
              "side in its own process: throughput and peak resident memory");
  const std::string child = flags.Str("child", "", "internal: analysis or sql");
  const std::string events = flags.Str("events", "", "internal: the JSON-lines file");
  const std::string db = flags.Str("db", "", "internal: the SQLite file");
  const auto sizes = flags.List("sizes", "1M,10M", "numbers of events");
  const int rounds = static_cast<int>(flags.Num("rounds", 3, "runs of each side per size"));
  const int users = static_cast<int>(flags.Num("users", 2000, "synthetic people"));
  const int days = static_cast<int>(flags.Num("days", 365, "calendar days from 2024-01-01 JST"));
  const std::string base = flags.Str("dir", "", "parent of the scratch directory ($TMPDIR)");
  const std::string data_dir =
      flags.Str("data-dir", "", "keep the generated events here and reuse them (default: scratch)");
  const bool keep = flags.Str("keep", "0", "1: keep the scratch directory") == "1";
  const bool fixed_density =
      flags.Str("fixed-density", "0",
                "1: the first size over --days, each other size over proportionally more days "
                "(the same events per day: what memory independence is about)") == "1";
  const bool with_sql = flags.Str("sql", "1", "0: the analysis side only") == "1";
  flags.Finish();
  if (child == "analysis") return ChildAnalysis(events, users, days);
  if (child == "sql") return ChildSql(db);
  if (!child.empty()) {
    std::fprintf(stderr, "bench: --child analysis|sql\n");
    return 2;
  }

  char self[4096];
  const ssize_t len = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0) Die("readlink /proc/self/exe");
  self[len] = '\0';

  ScratchDir scratch(base, keep);
  const std::string dir = data_dir.empty() ? scratch.path() : data_dir;
  std::filesystem::create_directories(dir);

  struct SizeResult {
    uint64_t n = 0;
    int days = 0;
    Prepared prep;
    std::vector<nlohmann::json> analysis, sql;
  };
  std::vector<SizeResult> results;
  for (uint64_t n : sizes) {
    SizeResult r;
    r.n = n;
    GenOptions o;
    o.events = n;
    o.users = users;
    o.days = fixed_density ? static_cast<int>(static_cast<double>(days) * static_cast<double>(n) /
                                              static_cast<double>(sizes.front()))
                           : days;
    r.days = o.days;
    std::fprintf(stderr, "generating %s events...\n", Size(n).c_str());
    r.prep = Generate(o, dir + "/events-" + Size(n) + "-u" + std::to_string(users) + "-d" +
                             std::to_string(o.days));
    const std::string common =
        "--users " + std::to_string(users) + " --days " + std::to_string(o.days);
    for (int i = 0; i < rounds; ++i) {
      // Alternate which side goes first, so neither always meets a cold cache.
      for (int side = 0; side < 2; ++side) {
        const bool analysis_turn = (side == 0) == (i % 2 == 0);
        if (!analysis_turn && !with_sql) continue;
        std::fprintf(stderr, "%s events, round %d: %s...\n", Size(n).c_str(), i + 1,
                     analysis_turn ? "analysis" : "sql");
        if (analysis_turn) {
          r.analysis.push_back(
              RunChild(self, "--child analysis --events " + Quote(r.prep.jsonl) + " " + common));
        } else {
          r.sql.push_back(RunChild(self, "--child sql --db " + Quote(r.prep.db) + " " + common));
        }
      }
    }
    results.push_back(std::move(r));
  }

  std::printf("bench_analysis: %s\n", HostLine().c_str());
  std::printf("%d synthetic people, days from 2024-01-01 JST (column days)%s;\n", users,
              fixed_density ? ", the same events per day at every size" : "");
  std::printf("%d round(s) per side and size; ", rounds);
  std::printf("each side in its own process (peak = VmHWM); events in %s\n\n", dir.c_str());
  std::printf("%-6s %5s %-8s %8s %16s %10s %14s %9s %9s %s\n", "events", "days", "side", "wall s",
              "(min-max)", "cpu s", "events/s", "peak MiB", "start MiB", "input");
  bool faster = true;
  std::vector<double> analysis_peaks;
  for (auto& r : results) {
    for (int side = 0; side < 2; ++side) {
      auto& runs = side == 0 ? r.analysis : r.sql;
      if (runs.empty()) continue;
      std::vector<double> wall, cpu, hwm, rss0;
      for (auto& j : runs) {
        wall.push_back(j["seconds"].get<double>());
        cpu.push_back(j["cpu"].get<double>());
        hwm.push_back(j["hwm_kib"].get<double>() / 1024);
        rss0.push_back(j["rss_start_kib"].get<double>() / 1024);
      }
      const Spread w = Of(wall), c = Of(cpu), h = Of(hwm), s0 = Of(rss0);
      if (side == 0) analysis_peaks.push_back(h.hi);
      char range[64];
      std::snprintf(range, sizeof range, "(%.2f-%.2f)", w.lo, w.hi);
      char input[64];
      std::snprintf(
          input, sizeof input, "%s %.0f MiB", side == 0 ? "JSON lines" : "SQLite file",
          static_cast<double>(side == 0 ? r.prep.jsonl_bytes : r.prep.db_bytes) / 1048576);
      std::printf("%-6s %5d %-8s %8.2f %16s %10.2f %14.0f %9.1f %9.1f %s\n", Size(r.n).c_str(),
                  r.days, side == 0 ? "analysis" : "sql", w.median, range, c.median,
                  static_cast<double>(r.n) / w.median, h.median, s0.median, input);
    }
    const double a = Of([&] {
                       std::vector<double> v;
                       for (auto& j : r.analysis) v.push_back(j["seconds"].get<double>());
                       return v;
                     }())
                         .median;
    const double s = Of([&] {
                       std::vector<double> v;
                       for (auto& j : r.sql) v.push_back(j["seconds"].get<double>());
                       return v;
                     }())
                         .median;
    if (r.sql.empty()) continue;
    faster = faster && a <= s;
    std::printf("%-6s analysis/sql wall time %.2f (below 1: the analysis is faster)\n", "",
                s > 0 ? a / s : 0);
  }

  // Per rule: findings of the analysis and rows of the SQL (last round), and
  // the median seconds of each query.
  for (auto& r : results) {
    std::printf("\n%s events, per rule (last round): analysis findings%s\n", Size(r.n).c_str(),
                r.sql.empty() ? "" : " | SQL rows | SQL s");
    const auto& arows = r.analysis.back()["rows"];
    auto count = [&](const char* rule) -> uint64_t {
      return arows.contains(rule) ? arows[rule].get<uint64_t>() : 0;
    };
    for (const auto& q : kQueries) {
      std::vector<double> qs;
      for (auto& j : r.sql) qs.push_back(j["query_seconds"][q.rule].get<double>());
      const uint64_t rows = r.sql.empty() ? 0 : r.sql.back()["rows"][q.rule].get<uint64_t>();
      const std::string rule = q.rule;
      uint64_t found = 0;
      if (rule == "off_hours + c3_off_hours") {
        found = count("off_hours") + count("c3_off_hours");
      } else {
        found = count(q.rule);
      }
      if (r.sql.empty()) {
        std::printf("  %-26s %10llu\n", q.rule, static_cast<unsigned long long>(found));
        continue;
      }
      std::printf("  %-26s %10llu | %10llu | %7.2f\n", q.rule,
                  static_cast<unsigned long long>(found), static_cast<unsigned long long>(rows),
                  Of(qs).median);
    }
    double group_by = 0, window = 0;
    if (!r.sql.empty()) {
      for (const auto& q : kQueries) {
        std::vector<double> qs;
        for (auto& j : r.sql) qs.push_back(j["query_seconds"][q.rule].get<double>());
        (q.window ? window : group_by) += Of(qs).median;
      }
      std::printf(
          "  SQL: the four GROUP BY queries %.2f s, the four with window functions %.2f s\n",
          group_by, window);
    }
    std::printf("  analysis state entries at most: %llu; events read: %llu\n",
                static_cast<unsigned long long>(r.analysis.back()["peak_state"].get<uint64_t>()),
                static_cast<unsigned long long>(r.analysis.back()["events"].get<uint64_t>()));
    if (r.prep.gen_seconds > 0) {
      std::printf("  generated and loaded in %.1f s (not timed above)\n", r.prep.gen_seconds);
    }
  }
  const bool flat = analysis_peaks.size() < 2 ||
                    *std::max_element(analysis_peaks.begin(), analysis_peaks.end()) <=
                        1.25 * *std::min_element(analysis_peaks.begin(), analysis_peaks.end());
  std::printf(
      "\ntargets: analysis at least as fast as the SQL (median wall time): %s;\n"
      "         analysis peak memory independent of the number of events (largest peak within\n"
      "         25%% of the smallest over the sizes run): %s\n",
      !with_sql ? "not measured (--sql 0)"
      : faster  ? "met"
                : "MISSED",
      flat ? "met" : "MISSED");
  return 0;
}
