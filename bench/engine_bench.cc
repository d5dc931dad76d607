// Audited Engine::Put and Engine::Get at many threads (1, 16, 64 by default),
// the figures compared with the PostgreSQL peer by scripts/bench-vs-peer,
// and the hardware limit for the same bytes.
//
// Three things per thread count, each printed as one machine-readable line
// (`engine put 16 <ops/s> <cpu-us/op> <p50-ms> <p99-ms> <ops/commit>`):
//   engine  Put (then Get of the records put) for --seconds after a warm-up.
//           CPU time per operation is the process's user+system time
//           (getrusage) over the measured slice divided by the operations:
//           on a machine shared with other builds it varies far less than
//           the rate does (docs/PERFORMANCE.md).
//   limit   what the disk and the CPU allow for the same bytes, with commits
//           shared as the engine's group commit shares them: one connection
//           inserts the rows `threads` operations store (the envelope, the
//           blind-index entries, the audit event, at the engine's sizes) and
//           commits them in one durable transaction (synchronous=FULL), in a
//           loop; for get, `threads` SELECTs of an envelope row and the
//           inserts of their audit events, committed once. Beside it, the
//           crypto over the same bytes on one core: AES-GCM over the
//           envelope, HMAC-SHA-256 per indexed field and SHA-256 over the
//           audit event (a put), AES-GCM open and SHA-256 (a get). The limit
//           line's rate is the lower of the batched-insert rate and what two
//           cores give when each operation costs (insert CPU + crypto CPU).
//   size    with --preload N, N records are put first (16 threads, not
//           timed) and the data directory's bytes per record are printed, so
//           rates can be read at 10k, 100k, 1M records.
#include <sys/resource.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

#include "audit/log.h"
#include "bench/bench_common.h"
#include "crypto/aead.h"
#include "crypto/hash.h"

namespace mamori::bench {
namespace {

double CpuSeconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

struct Measured {
  uint64_t ops = 0;
  double seconds = 0, cpu = 0, p50_ms = 0, p99_ms = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
  double cpu_us() const { return ops ? 1e6 * cpu / static_cast<double>(ops) : 0; }
};

// Runs op(thread) in `threads` threads for `seconds` after `warmup`, timing
// each operation of the measured slice.
template <class Op>
Measured RunFor(int threads, double seconds, double warmup, Op op) {
  std::latch ready(threads + 1);
  std::atomic<bool> go{false};
  std::vector<std::vector<double>> lat(static_cast<size_t>(threads));
  std::vector<std::thread> pool;
  Clock::time_point start;
  std::atomic<double> cpu_start{0};
  std::atomic<int> warm{0};
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ready.count_down();
      while (!go.load()) std::this_thread::yield();
      const auto warm_end = start + std::chrono::duration<double>(warmup);
      while (Clock::now() < warm_end) op(t);
      // The first thread past the warm-up starts the CPU clock.
      if (warm.fetch_add(1) == 0) cpu_start = CpuSeconds();
      const auto end = warm_end + std::chrono::duration<double>(seconds);
      auto& mine = lat[static_cast<size_t>(t)];
      for (auto now = Clock::now(); now < end;) {
        op(t);
        const auto after = Clock::now();
        mine.push_back(std::chrono::duration<double, std::milli>(after - now).count());
        now = after;
      }
    });
  }
  ready.arrive_and_wait();
  start = Clock::now();
  go = true;
  for (auto& th : pool) th.join();
  Measured m;
  m.cpu = CpuSeconds() - cpu_start.load();
  m.seconds = SecondsSince(start) - warmup;
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  m.ops = all.size();
  m.p50_ms = Percentile(all, 50);
  m.p99_ms = Percentile(all, 99);
  return m;
}

void PrintLine(const char* what, const char* op, int threads, const Measured& m,
               double per_commit) {
  std::printf("%-6s %-3s %4d %10.0f %10.1f %8.2f %8.2f %8.2f\n", what, op, threads, m.rate(),
              m.cpu_us(), m.p50_ms, m.p99_ms, per_commit);
  std::fflush(stdout);
}

// CPU microseconds per operation of `op` on this thread, over ~0.5 s.
template <class Op>
double CpuMicrosPerOp(Op op) {
  const double c0 = CpuSeconds();
  const auto t0 = Clock::now();
  uint64_t n = 0;
  while (SecondsSince(t0) < 0.5) {
    for (int i = 0; i < 100; ++i) op();
    n += 100;
  }
  return 1e6 * (CpuSeconds() - c0) / static_cast<double>(n);
}

// Prints the `insert`, `crypto` and `limit` lines of one operation: `batches`
// is the run of one connection committing `threads` operations per durable
// transaction, `crypto_us` the CPU of the operation's crypto on one core.
// The limit is the lower of the batched-insert rate and what the machine's
// cores give at (insert CPU + crypto CPU) per operation.
void PrintLimit(const char* op, int threads, const Measured& batches, double crypto_us) {
  Measured per_op = batches;
  per_op.ops *= static_cast<uint64_t>(threads);
  per_op.p50_ms = per_op.p99_ms = 0;
  PrintLine("insert", op, threads, per_op, threads);
  std::printf("crypto %-3s %4d %10.0f %10.1f\n", op, threads, 1e6 / crypto_us, crypto_us);
  const double cores = static_cast<double>(std::thread::hardware_concurrency());
  const double cpu_bound = 1e6 * cores / (per_op.cpu_us() + crypto_us);
  Measured lim = per_op;
  lim.cpu = per_op.cpu + crypto_us * static_cast<double>(per_op.ops) / 1e6;
  lim.seconds = std::max(per_op.seconds, static_cast<double>(per_op.ops) / cpu_bound);
  PrintLine("limit", op, threads, lim, threads);
}

int Main(int argc, char** argv) {
  Flags flags(argc, argv,
              "bench_engine: audited Engine::Put/Get at 1..64 threads, CPU time per operation, "
              "and the limit of the hardware for the same bytes (commits shared)");
  const double seconds = flags.Num("seconds", 3, "measured seconds per operation and count");
  const double warmup = flags.Num("warmup", 0.5, "uncounted seconds before each slice");
  const auto thread_counts = flags.List("threads", "1,16,64", "thread counts to measure");
  const std::string ops_flag = flags.Str("ops", "put,get", "put, get or put,get");
  const bool limit = flags.Str("limit", "1", "1 also measures the limit") == "1";
  const bool engine_on = flags.Str("engine", "1", "0 measures only the limit") == "1";
  const uint64_t preload = static_cast<uint64_t>(flags.Num("preload", 0, "records put first"));
  const std::string dir = flags.Str("dir", "", "parent of the scratch directory ($TMPDIR, /tmp)");
  const bool keep = flags.Str("keep", "0", "1 keeps the scratch directory") == "1";
  const size_t pool = static_cast<size_t>(flags.Num("pool", 256, "EngineOptions.record_key_pool"));
  flags.Finish();
  const bool do_put = ops_flag.find("put") != std::string::npos;
  const bool do_get = ops_flag.find("get") != std::string::npos;

  ScratchDir scratch(dir, keep);
  auto engine = OpenBenchEngine(scratch.path(), pool);
  const engine::Context ctx = BenchContext();
  std::atomic<uint64_t> next_record{0};
  std::mutex ids_mu;
  std::vector<std::string> ids;
  auto put_one = [&] {
    auto r = Must(engine->Put(ctx, kDataset, EmployeeRecord(next_record++)), "put");
    std::lock_guard lock(ids_mu);
    ids.push_back(std::move(r.id));
  };
  put_one();
  const std::string first = ids.front();
  const size_t envelope = StoredValueSize(*engine, "r/" + std::string(kDataset) + "/" + first);
  const auto put_seq = Must(engine->Put(ctx, kDataset, EmployeeRecord(next_record++)), "put");
  Must(engine->Get(ctx, kDataset, first), "get");
  const size_t get_event = StoredValueSize(*engine, audit::EventKey(LastAuditSeq(*engine)));
  const size_t put_event = StoredValueSize(*engine, audit::EventKey(put_seq.audit_seq));
  constexpr int kIndexed = 3;  // my_number, name, name_kana

  std::printf("bench_engine  %s\n", HostLine().c_str());
  std::printf("scratch %s; envelope %zu B, %d index entries, put event %zu B, get event %zu B\n",
              scratch.path().c_str(), envelope, kIndexed, put_event, get_event);

  if (preload > 0) {
    const auto t0 = Clock::now();
    std::atomic<uint64_t> started{0};
    std::vector<std::thread> loaders;
    for (int t = 0; t < 16; ++t) {
      loaders.emplace_back([&] {
        while (started.fetch_add(1) < preload) put_one();
      });
    }
    for (auto& th : loaders) th.join();
    uint64_t bytes = 0;
    for (const auto& f : std::filesystem::recursive_directory_iterator(scratch / "data")) {
      if (f.is_regular_file()) bytes += f.file_size();
    }
    std::printf("size   %llu records, %.0f s to load, data dir %.1f MB, %.0f B per record\n",
                static_cast<unsigned long long>(ids.size()), SecondsSince(t0), bytes / 1e6,
                static_cast<double>(bytes) / static_cast<double>(ids.size()));
  }
  std::printf("%-6s %-3s %4s %10s %10s %8s %8s %8s\n", "what", "op", "thr", "ops/s", "cpu-us/op",
              "p50-ms", "p99-ms", "ops/cmt");

  RawDb raw(scratch / "raw.db");
  raw.WarmUp();
  const std::string env_row = RandomValue(envelope), put_ev = RandomValue(put_event),
                    get_ev = RandomValue(get_event);
  std::vector<std::string> raw_keys;
  uint64_t raw_event = 0;
  std::mt19937_64 rng(7);
  auto event_key = [&] {
    char key[32];
    std::snprintf(key, sizeof key, "audit/e/%016llx", static_cast<unsigned long long>(raw_event++));
    return std::string(key);
  };

  for (uint64_t threads_u : thread_counts) {
    const int threads = static_cast<int>(threads_u);
    auto stats = [&] { return engine->data_store().Stats(); };
    auto per_commit = [](const store::StorageStats& a, const store::StorageStats& b) {
      return static_cast<double>(b.updates - a.updates) /
             static_cast<double>(std::max<uint64_t>(1, b.commits - a.commits));
    };
    if (engine_on && do_put) {
      const auto before = stats();
      const Measured m = RunFor(threads, seconds, warmup, [&](int) { put_one(); });
      PrintLine("engine", "put", threads, m, per_commit(before, stats()));
    }
    if (engine_on && do_get) {
      std::vector<std::string> snapshot;
      {
        std::lock_guard lock(ids_mu);
        snapshot = ids;
      }
      std::vector<std::mt19937_64> rngs;
      for (int t = 0; t < threads; ++t) rngs.emplace_back(100 + t);
      const auto before = stats();
      const Measured m = RunFor(threads, seconds, warmup, [&](int t) {
        const std::string& id = snapshot[rngs[static_cast<size_t>(t)]() % snapshot.size()];
        Must(engine->Get(ctx, kDataset, id), "get");
      });
      PrintLine("engine", "get", threads, m, per_commit(before, stats()));
    }
    if (!limit) continue;
    // One connection, `threads` operations per durable commit.
    if (do_put) {
      const Measured m = RunFor(1, seconds, warmup, [&](int) {
        std::vector<std::pair<std::string, std::string>> rows;
        for (int i = 0; i < threads; ++i) {
          const std::string id = TimeOrderedId(rng);
          std::string k = "r/" + std::string(kDataset) + "/" + id;
          rows.emplace_back(k, env_row);
          for (int f = 0; f < kIndexed; ++f) {
            rows.emplace_back("i/" + std::string(kDataset) + "/f" + std::to_string(f) + "/" +
                                  HexEncode(RandomValue(32)) + "/" + id,
                              "");
          }
          rows.emplace_back(event_key(), put_ev);
          raw_keys.push_back(std::move(k));
        }
        raw.InsertAll(rows);
      });
      const crypto::SecretBytes key(RandomValue(32));
      const std::string plain = RandomValue(envelope - crypto::kAeadOverhead);
      PrintLimit("put", threads, m, CpuMicrosPerOp([&] {
                   Must(crypto::AeadSeal(key, plain, "ad"), "seal");
                   for (int f = 0; f < kIndexed; ++f) (void)crypto::HmacSha256(key, "123456789012");
                   (void)crypto::Sha256(put_ev);
                 }));
    }
    if (do_get && !raw_keys.empty()) {
      const Measured m = RunFor(1, seconds, warmup, [&](int) {
        raw.Exec("BEGIN IMMEDIATE");
        for (int i = 0; i < threads; ++i) {
          if (raw.Select(raw_keys[rng() % raw_keys.size()]).size() != envelope) Die("select");
          raw.Insert(event_key(), get_ev);
        }
        raw.Exec("COMMIT");
      });
      const crypto::SecretBytes key(RandomValue(32));
      const std::string sealed =
          Must(crypto::AeadSeal(key, RandomValue(envelope - crypto::kAeadOverhead), "ad"), "seal");
      PrintLimit("get", threads, m, CpuMicrosPerOp([&] {
                   Must(crypto::AeadOpen(key, sealed, "ad"), "open");
                   (void)crypto::Sha256(get_ev);
                 }));
    }
  }
  Must(engine->Close(), "engine close");
  return 0;
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) { return mamori::bench::Main(argc, argv); }
