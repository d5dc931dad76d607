// Shared pieces of the benchmarks in bench/: flags, a scratch directory, an
// engine set up like tests/engine/engine_fixture.h (the README's employee
// dataset, synthetic My Numbers), raw SQLite connections configured like the
// engine's data store, and the statistics the tables print.
//
// Plain main() programs rather than Google Benchmark: each figure is only
// meaningful next to the baseline measured in the same run, and a table of
// "engine vs limit = N%" says that more directly than per-benchmark lines.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/log.h"
#include "core/encoding.h"
#include "core/status.h"
#include "crypto/random.h"
#include "engine/engine.h"
#include "jp/my_number.h"
#include "store/sqlite/connection.h"

namespace mamori::bench {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A benchmark that cannot do what it measures has no figure to print: stop
// with the reason rather than report a rate over failed operations.
[[noreturn]] inline void Die(std::string_view what, const Status& s) {
  std::fprintf(stderr, "bench: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               s.ToString().c_str());
  std::exit(1);
}
[[noreturn]] inline void Die(std::string_view what) { Die(what, Status::Internal("failed")); }

template <class T>
T Must(Result<T> r, std::string_view what) {
  if (!r) Die(what, r.error());
  return std::move(*r);
}
inline void Must(const Status& s, std::string_view what) {
  if (!s.ok()) Die(what, s);
}

// --name=value or --name value; --help prints the defaults. Unknown flags are
// an error, so a mistyped size does not silently run the default.
class Flags {
 public:
  Flags(int argc, char** argv, std::string_view usage) : usage_(usage) {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        help_ = true;
        continue;
      }
      if (!arg.starts_with("--")) BadUsage("unexpected argument " + arg);
      arg = arg.substr(2);
      if (auto eq = arg.find('='); eq != std::string::npos) {
        given_[arg.substr(0, eq)] = arg.substr(eq + 1);
      } else if (i + 1 < argc) {
        given_[arg] = argv[++i];
      } else {
        BadUsage("--" + arg + " needs a value");
      }
    }
  }

  std::string Str(const std::string& name, const std::string& def, const std::string& help) {
    Describe(name, def, help);
    auto it = given_.find(name);
    if (it == given_.end()) return def;
    std::string v = it->second;
    given_.erase(it);
    return v;
  }
  double Num(const std::string& name, double def, const std::string& help) {
    std::string v = Str(name, Format(def), help);
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (end == v.c_str() || *end != '\0') BadUsage("--" + name + " wants a number, got " + v);
    return d;
  }
  std::vector<uint64_t> List(const std::string& name, const std::string& def,
                             const std::string& help) {
    std::vector<uint64_t> out;
    std::string v = Str(name, def, help);
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t comma = v.find(',', pos);
      if (comma == std::string::npos) comma = v.size();
      std::string item = v.substr(pos, comma - pos);
      char* end = nullptr;
      uint64_t n = std::strtoull(item.c_str(), &end, 10);
      // "1M" and "100k" read naturally on a command line.
      if (end != nullptr && (*end == 'k' || *end == 'K')) n *= 1000, ++end;
      if (end != nullptr && (*end == 'm' || *end == 'M')) n *= 1000000, ++end;
      if (item.empty() || *end != '\0' || n == 0) BadUsage("--" + name + ": bad size " + item);
      out.push_back(n);
      pos = comma + 1;
    }
    return out;
  }

  // Call after every flag was read.
  void Finish() {
    if (help_) {
      std::printf("%s\n\nflags:\n%s", usage_.c_str(), described_.c_str());
      std::exit(0);
    }
    if (!given_.empty()) BadUsage("unknown flag --" + given_.begin()->first);
  }

 private:
  static std::string Format(double d) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
  }
  void Describe(const std::string& name, const std::string& def, const std::string& help) {
    described_ += "  --" + name + " (default " + def + ")\n      " + help + "\n";
  }
  [[noreturn]] void BadUsage(const std::string& why) {
    std::fprintf(stderr, "bench: %s (see --help)\n", why.c_str());
    std::exit(2);
  }

  std::string usage_;
  std::string described_;
  std::map<std::string, std::string> given_;
  bool help_ = false;
};

// A fresh directory under `base` (or $TMPDIR, or /tmp), removed afterwards
// unless kept. The file system matters to every durable figure, so the path
// is printed with the results.
class ScratchDir {
 public:
  ScratchDir(std::string base, bool keep) : keep_(keep) {
    if (base.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      base = tmp && *tmp ? tmp : "/tmp";
    }
    std::filesystem::create_directories(base);
    std::string tmpl = base + "/mamori-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) Die("cannot create a directory under " + base);
    path_ = tmpl;
  }
  ~ScratchDir() {
    if (keep_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
  bool keep_;
};

inline constexpr std::string_view kDataset = "employee_my_number";

// The README's example dataset, as the engine tests use it.
inline nlohmann::json EmployeeDataset() {
  return nlohmann::json::parse(R"({"name": "employee_my_number",
 "title": "従業員等の個人番号",
 "department": "総務部",
 "category": "specific_personal_information",
 "classification": {"confidentiality": 3, "integrity": 2, "availability": 2},
 "handling": ["no_copy", "encrypt_required"],
 "retention": {"years": 7, "from": "end_of_use"},
 "purposes": [{"id": "withholding", "title": "源泉徴収票作成事務", "basis": "所得税法第226条"}],
 "fields": [
   {"name": "my_number", "type": "my_number", "required": true, "indexed": true},
   {"name": "name", "type": "name", "required": true, "indexed": true},
   {"name": "name_kana", "type": "kana", "indexed": true},
   {"name": "birth_date", "type": "date"}]})");
}

inline engine::Context BenchContext() {
  engine::Context ctx;
  ctx.actor = "os:bench";
  ctx.terminal = "local:bench";
  ctx.purpose = "withholding";
  ctx.request_id = "bench";
  return ctx;
}

// Synthetic and distinct for distinct i (i < 10^11 / 7919): the digits come
// from the counter, the check digit is computed, as in the engine tests.
inline std::string MyNumberFor(uint64_t i) {
  return jp::SyntheticMyNumber(12345678900ULL + i * 7919);
}

// A record of the employee dataset. Names vary so that the name indexes are
// not one giant posting list, which would not be a realistic store.
inline nlohmann::json EmployeeRecord(uint64_t i) {
  static constexpr const char* kFamily[][2] = {
      {"山田", "やまだ"}, {"佐藤", "さとう"}, {"鈴木", "すずき"},   {"高橋", "たかはし"},
      {"田中", "たなか"}, {"伊藤", "いとう"}, {"渡辺", "わたなべ"}, {"中村", "なかむら"}};
  static constexpr const char* kGiven[][2] = {
      {"太郎", "たろう"}, {"花子", "はなこ"}, {"一郎", "いちろう"}, {"美咲", "みさき"},
      {"健太", "けんた"}, {"陽菜", "ひな"},   {"翔", "しょう"},     {"結衣", "ゆい"}};
  const auto& f = kFamily[i % 8];
  const auto& g = kGiven[(i / 8) % 8];
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", 1950 + static_cast<int>(i % 50),
                1 + static_cast<int>(i % 12), 1 + static_cast<int>(i % 28));
  return {{"my_number", MyNumberFor(i)},
          {"name", std::string(f[0]) + " " + g[0]},
          {"name_kana", std::string(f[1]) + " " + g[1]},
          {"birth_date", date}};
}

// Init + Open + the employee dataset, in `dir`/data.
inline std::unique_ptr<engine::Engine> OpenBenchEngine(const std::string& dir, size_t pool) {
  engine::Paths paths;
  paths.data_dir = dir + "/data";
  Must(engine::Engine::Init(paths, nullptr, BenchContext()), "engine init");
  engine::EngineOptions options;
  options.paths = paths;
  options.record_key_pool = pool;
  auto engine = Must(engine::Engine::Open(std::move(options), BenchContext()), "engine open");
  Must(engine->CreateDataset(BenchContext(), EmployeeDataset()), "create dataset");
  return engine;
}

// Size of a stored value of the engine's data store, read back through its
// storage interface: the baselines write rows of exactly this size.
inline size_t StoredValueSize(engine::Engine& e, const std::string& key) {
  size_t n = 0;
  Must(e.data_store().View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto v, txn.Get(key));
    if (!v) return Status::NotFound("no value under the key read back");
    n = v->size();
    return Status::Ok();
  }),
       "read back a stored value");
  return n;
}

// Sequence number of the last event of the engine's audit log: the sizes of
// the events an operation wrote are read back from it.
inline uint64_t LastAuditSeq(engine::Engine& e) {
  uint64_t seq = 0;
  Must(e.data_store().View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto head, audit::CurrentHead(txn));
    seq = head.size - 1;
    return Status::Ok();
  }),
       "audit head");
  return seq;
}

// A raw SQLite connection set up as the engine's writer is (store/sqlite):
// WAL, synchronous=FULL, the same kv table WITHOUT ROWID keyed by BLOB, so
// the baseline does the same B-tree work per row and pays the same sync.
class RawDb {
 public:
  explicit RawDb(const std::string& path, int busy_timeout_ms = 10'000) {
    store::sqlite::ConfigureLibrary();
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      Die("open raw sqlite file " + path);
    }
    sqlite3_busy_timeout(db_, busy_timeout_ms);
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=FULL");
    Exec("CREATE TABLE IF NOT EXISTS kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID");
    insert_ = Prepare("INSERT INTO kv(k, v) VALUES(?1, ?2)");
    select_ = Prepare("SELECT v FROM kv WHERE k = ?1");
  }
  ~RawDb() {
    sqlite3_finalize(insert_);
    sqlite3_finalize(select_);
    sqlite3_close(db_);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "?";
      sqlite3_free(err);
      Die(std::string("raw sqlite: ") + sql + ": " + why);
    }
  }
  // Brings a new file to the steady state of a store in use: a WAL already
  // grown past its checkpoint size and free pages to reuse. A fresh file's
  // first thousand commits each extend the WAL, and on ext4 a sync that
  // extends a file also commits the file system journal, which makes them
  // several times slower than later ones; the engine's store is past that
  // point after its warm-up, and the baseline must be too.
  void WarmUp() {
    Exec("CREATE TABLE pad(b BLOB)");
    Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) "
        "INSERT INTO pad SELECT zeroblob(4000) FROM n");
    Exec("DROP TABLE pad");
  }
  // Several rows in one transaction, committed durably before it returns.
  void InsertAll(const std::vector<std::pair<std::string, std::string>>& rows) {
    Exec("BEGIN IMMEDIATE");
    for (const auto& [k, v] : rows) Insert(k, v);
    Exec("COMMIT");
  }
  // Outside BEGIN/COMMIT this is its own transaction: durable on return.
  void Insert(std::string_view k, std::string_view v) {
    sqlite3_bind_blob64(insert_, 1, k.data(), k.size(), SQLITE_STATIC);
    sqlite3_bind_blob64(insert_, 2, v.data(), v.size(), SQLITE_STATIC);
    const int rc = sqlite3_step(insert_);
    sqlite3_reset(insert_);
    if (rc != SQLITE_DONE) Die(std::string("raw insert: ") + sqlite3_errmsg(db_));
  }
  // Copies the value out, as the engine's Get does.
  std::string Select(std::string_view k) {
    sqlite3_bind_blob64(select_, 1, k.data(), k.size(), SQLITE_STATIC);
    std::string out;
    const int rc = sqlite3_step(select_);
    if (rc == SQLITE_ROW) {
      out.assign(static_cast<const char*>(sqlite3_column_blob(select_, 0)),
                 static_cast<size_t>(sqlite3_column_bytes(select_, 0)));
    }
    sqlite3_reset(select_);
    if (rc != SQLITE_ROW) Die("raw select: row missing or error");
    return out;
  }

 private:
  sqlite3_stmt* Prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) {
      Die(std::string("raw prepare: ") + sqlite3_errmsg(db_));
    }
    return s;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* select_ = nullptr;
};

// A key shaped like the engine's record keys: 48-bit time then random bits,
// so inserts land near the right edge of the B-tree as the engine's do.
inline std::string TimeOrderedId(std::mt19937_64& rng) {
  const uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  std::string raw(16, '\0');
  for (int i = 0; i < 6; ++i) raw[i] = static_cast<char>(ms >> (40 - 8 * i));
  const uint64_t a = rng(), b = rng();
  for (int i = 0; i < 8; ++i) raw[6 + i] = static_cast<char>(a >> (8 * i));
  for (int i = 0; i < 2; ++i) raw[14 + i] = static_cast<char>(b >> (8 * i));
  return HexEncode(raw);
}

inline std::string RandomValue(size_t n) { return Must(crypto::RandomBytes(n), "random bytes"); }

// Nearest-rank percentile of an unsorted sample (sorted in place).
inline double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, v.size());
  return v[rank - 1];
}

inline std::string HostLine() {
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  // The load average says how much of the two cores other tenants held while
  // this ran: figures taken at load 6 are not figures of an idle machine.
  double load[1] = {0};
  char avg[32] = "?";
  if (::getloadavg(load, 1) == 1) std::snprintf(avg, sizeof avg, "%.1f", load[0]);
  return std::string(host) + ", " + std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) +
         " online cpus, load avg " + avg + ", sqlite " + sqlite3_libversion();
}

}  // namespace mamori::bench
