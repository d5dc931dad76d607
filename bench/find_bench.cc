// Engine::Find by an indexed field (my_number: one match per value) at
// growing store sizes; the target is that its latency stays flat from 10k to
// 1M records. The same store grows from one size to the next, and at each
// size single-threaded finds of random existing values are timed.
//
// A find is audited like every operation, in a durable transaction, so its
// latency is mostly a sync. Two context columns, timed interleaved with the
// finds, separate the two parts: "index seek" is a View that seeks the same index
// (i/<dataset>/my_number/<random tag>) and reads one entry, without the audit
// write; "durable commit" is a one-row INSERT committed with synchronous=FULL
// in a separate SQLite file: the floor any audited operation sits on. Their
// ratio, find p50 / floor p50, is the figure that the disk's drift does not
// move.
#include <atomic>
#include <thread>

#include "bench/bench_common.h"

namespace mamori::bench {
namespace {

struct Latencies {
  double p50 = 0, p99 = 0, mean = 0;
};

Latencies Summarise(std::vector<double> us) {
  Latencies l;
  for (double v : us) l.mean += v;
  l.mean /= static_cast<double>(us.size());
  l.p50 = Percentile(us, 50);
  l.p99 = Percentile(us, 99);
  return l;
}

template <class Fn>
double TimeOne(Fn fn) {
  const auto start = Clock::now();
  fn();
  return 1e6 * SecondsSince(start);
}

int Main(int argc, char** argv) {
  Flags flags(argc, argv,
              "bench_find: Engine::Find latency by an indexed field at growing store sizes "
              "(target: flat across sizes)");
  auto sizes = flags.List("sizes", "10000,100000", "record counts, ascending (e.g. 10k,100k,1M)");
  const uint64_t finds = flags.List("finds", "1000", "timed finds per size")[0];
  // Loading is not what is measured, but it decides whether 1M records fit
  // in minutes: each Put waits for its commit, so only concurrent Puts share
  // a sync (group commit). Two threads share at most two per sync.
  const int load_threads = static_cast<int>(
      flags.Num("load-threads", 16, "threads calling Put while loading (not timed)"));
  const std::string dir = flags.Str("dir", "", "parent of the scratch directory ($TMPDIR, /tmp)");
  const bool keep = flags.Str("keep", "0", "1 keeps the scratch directory") == "1";
  const size_t pool = static_cast<size_t>(flags.Num("pool", 256, "EngineOptions.record_key_pool"));
  flags.Finish();
  std::sort(sizes.begin(), sizes.end());

  ScratchDir scratch(dir, keep);
  auto engine = OpenBenchEngine(scratch.path(), pool);
  RawDb floor_db(scratch / "floor.db");
  floor_db.WarmUp();
  const std::string floor_value = RandomValue(64);
  const engine::Context ctx = BenchContext();
  const std::string index_prefix = "i/" + std::string(kDataset) + "/my_number/";
  std::mt19937_64 rng(7);

  struct Row {
    uint64_t size;
    double load_rate;
    Latencies find, seek, commit;
  };
  std::vector<Row> rows;
  uint64_t loaded = 0, floor_rows = 0;
  for (uint64_t size : sizes) {
    std::fprintf(stderr, "loading records %llu..%llu with %d threads...\n",
                 static_cast<unsigned long long>(loaded), static_cast<unsigned long long>(size),
                 load_threads);
    std::atomic<uint64_t> next{loaded};
    const auto load_start = Clock::now();
    std::vector<std::thread> loaders;
    for (int t = 0; t < load_threads; ++t) {
      loaders.emplace_back([&] {
        for (uint64_t i; (i = next++) < size;) {
          Must(engine->Put(ctx, kDataset, EmployeeRecord(i)), "load put");
        }
      });
    }
    for (auto& th : loaders) th.join();
    const double load_rate = static_cast<double>(size - loaded) / SecondsSince(load_start);
    loaded = size;

    std::fprintf(stderr, "timing %llu finds at %llu records...\n",
                 static_cast<unsigned long long>(finds), static_cast<unsigned long long>(size));
    auto find_once = [&] {
      const uint64_t i = rng() % size;
      auto page = Must(engine->Find(ctx, kDataset, "my_number", MyNumberFor(i), "", 100), "find");
      if (page.ids.size() != 1) Die("find did not return exactly the one record loaded");
    };
    auto seek_once = [&](const std::string& begin) {
      Must(engine->data_store().View([&](store::ReadTxn& txn) -> Status {
        return StatusOf(txn.Scan(begin, store::PrefixEnd(index_prefix), 1));
      }),
           "index seek");
    };
    auto commit_once = [&] {
      char key[32];
      std::snprintf(key, sizeof key, "f/%016llx", static_cast<unsigned long long>(floor_rows++));
      floor_db.Insert(key, floor_value);
    };
    for (int i = 0; i < 20; ++i) find_once();  // warm caches; not counted
    std::vector<std::string> tags;             // drawn before the clock runs
    for (uint64_t i = 0; i < finds; ++i) tags.push_back(index_prefix + HexEncode(RandomValue(32)));
    // Interleaved, one of each in turn: the disk's sync latency changes by
    // an order of magnitude from minute to minute on this VM, and the three
    // columns must describe the same minutes to be compared.
    std::vector<double> find_us, seek_us, commit_us;
    for (uint64_t i = 0; i < finds; ++i) {
      find_us.push_back(TimeOne(find_once));
      seek_us.push_back(TimeOne([&] { seek_once(tags[i]); }));
      commit_us.push_back(TimeOne(commit_once));
    }
    rows.push_back({size, load_rate, Summarise(std::move(find_us)), Summarise(std::move(seek_us)),
                    Summarise(std::move(commit_us))});
  }

  std::printf("bench_find  %s\n", HostLine().c_str());
  std::printf(
      "scratch: %s   Find(field=my_number) of random existing values, %llu per size,\n"
      "one thread; each returns one id. Latencies in microseconds.\n\n",
      scratch.path().c_str(), static_cast<unsigned long long>(finds));
  std::printf("%9s %9s | %9s %9s %9s | %10s %10s | %9s\n", "records", "load/s", "find p50",
              "find p99", "find mean", "seek p50", "commit p50", "find p50 /");
  std::printf("%9s %9s | %9s %9s %9s | %10s %10s | %9s\n", "", "", "", "", "", "(no audit)",
              "(raw floor)", "floor");
  for (const Row& r : rows) {
    std::printf("%9llu %9.0f | %9.0f %9.0f %9.0f | %10.1f %10.0f | %9.2f\n",
                static_cast<unsigned long long>(r.size), r.load_rate, r.find.p50, r.find.p99,
                r.find.mean, r.seek.p50, r.commit.p50, r.find.p50 / r.commit.p50);
  }
  if (rows.size() > 1) {
    const Row& a = rows.front();
    const Row& b = rows.back();
    std::printf(
        "\nfind p50 at %llu / at %llu = %.2f   (flat = close to 1.00)\n"
        "  the durable commit floor moved %.2fx between them; find p50 / floor went %.2f -> %.2f;\n"
        "  the index seek itself went %.1f -> %.1f us\n",
        static_cast<unsigned long long>(b.size), static_cast<unsigned long long>(a.size),
        b.find.p50 / a.find.p50, b.commit.p50 / a.commit.p50, a.find.p50 / a.commit.p50,
        b.find.p50 / b.commit.p50, a.seek.p50, b.seek.p50);
  }
  Must(engine->Close(), "engine close");
  return 0;
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) { return mamori::bench::Main(argc, argv); }
