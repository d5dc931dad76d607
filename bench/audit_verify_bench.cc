// audit::VerifyLog throughput next to raw SHA-256 over the same event bytes,
// in the same run. Target: verification runs at least 30% as fast.
//
// The log is built straight through audit::Append inside Storage::Update, in
// batches, with events shaped like the engine's record.get/record.put events
// and a signed head every 10,000 events as the engine writes them (its
// default sign_every_events): building 100k events through Engine::Get would
// take minutes of fsyncs and measure nothing more about verification.
//
// The baseline reads every stored event into memory first and then hashes
// each one separately with crypto::Sha256: the same bytes, the same number of
// hash calls, and no storage. Two context rows show where the rest of
// VerifyLog's time goes: reading the same rows out of SQLite, and the RFC 6962
// tree arithmetic (leaf hashes plus the n-1 interior hashes) in memory.
#include "audit/log.h"
#include "audit/merkle.h"
#include "audit/verify.h"
#include "bench/bench_common.h"
#include "crypto/hash.h"
#include "crypto/signature.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::bench {
namespace {

constexpr uint64_t kSignEvery = 10'000;  // engine::EngineOptions::sign_every_events

audit::Event EngineLikeEvent(uint64_t i, std::mt19937_64& rng) {
  audit::Event ev;
  ev.time = NowMicros();
  ev.actor = "os:bench";
  ev.terminal = "local:bench";
  ev.purpose = "withholding";
  ev.operation = i % 4 == 0 ? "record.put" : "record.get";
  ev.dataset = std::string(kDataset);
  ev.record = TimeOrderedId(rng);
  ev.subject = ev.record;  // 32 lower-case hex, as Engine::SubjectRef writes
  ev.result = "ok";
  char req[32];
  std::snprintf(req, sizeof req, "req-%016llx", static_cast<unsigned long long>(rng()));
  ev.request_id = req;
  ev.attrs["version"] = "1";
  return ev;
}

struct Timing {
  double seconds = 0;
  uint64_t events = 0, bytes = 0;
  double eps() const { return static_cast<double>(events) / seconds; }
  double mbps() const { return static_cast<double>(bytes) / seconds / 1e6; }
};

// The median of `repeat` timings of fn, which returns what it covered.
template <class Fn>
Timing Median(int repeat, const Fn& fn) {
  std::vector<Timing> runs;
  for (int i = 0; i < repeat; ++i) {
    const auto start = Clock::now();
    Timing t = fn();
    t.seconds = SecondsSince(start);
    runs.push_back(t);
  }
  std::sort(runs.begin(), runs.end(),
            [](const Timing& a, const Timing& b) { return a.seconds < b.seconds; });
  return runs[runs.size() / 2];
}

int Main(int argc, char** argv) {
  Flags flags(argc, argv,
              "bench_audit_verify: audit::VerifyLog throughput next to raw SHA-256 over the same "
              "event bytes (target: verify >= 30% of SHA-256)");
  const uint64_t events = flags.List("events", "100000", "events in the log (e.g. 1M)")[0];
  const int repeat = static_cast<int>(flags.Num("repeat", 3, "timed repetitions; median shown"));
  const double target = flags.Num("target", 30, "target: verify rate as % of SHA-256");
  const std::string dir = flags.Str("dir", "", "parent of the scratch directory ($TMPDIR, /tmp)");
  const bool keep = flags.Str("keep", "0", "1 keeps the scratch directory") == "1";
  flags.Finish();

  ScratchDir scratch(dir, keep);
  store::SqliteOptions so;
  so.path = scratch / "audit.db";
  so.read_mmap_bytes = uint64_t{1} << 30;  // as `mamori audit verify` opens it
  auto storage = Must(store::OpenSqliteStorage(so), "open store");
  auto key = Must(crypto::EcdsaP256PrivateKey::Generate(), "signing key");
  const auto pub = key.PublicKey();

  std::fprintf(stderr, "building a log of %llu events...\n",
               static_cast<unsigned long long>(events));
  const auto build_start = Clock::now();
  std::mt19937_64 rng(42);
  constexpr uint64_t kBatch = 1000;
  for (uint64_t done = 0; done < events;) {
    const uint64_t n = std::min(kBatch, events - done);
    std::vector<audit::Event> batch;
    for (uint64_t i = 0; i < n; ++i) batch.push_back(EngineLikeEvent(done + i, rng));
    Must(storage->Update([&](store::WriteTxn& txn) -> Status {
      for (auto& ev : batch) {
        MAMORI_ASSIGN_OR_RETURN(uint64_t seq, audit::Append(txn, ev));
        if ((seq + 1) % kSignEvery == 0) {
          MAMORI_RETURN_IF_ERROR(audit::SignHead(txn, key, ev.time));
        }
      }
      return Status::Ok();
    }),
         "append batch");
    done += n;
  }
  // A final head, as Engine::Close signs one: every event is then covered.
  Must(storage->Update([&](store::WriteTxn& txn) -> Status {
    return StatusOf(audit::SignHead(txn, key, NowMicros()));
  }),
       "final head");
  const double build_seconds = SecondsSince(build_start);

  // The baseline's input: every event's stored bytes, in memory.
  std::vector<std::string> stored;
  stored.reserve(events);
  uint64_t total_bytes = 0;
  Must(storage->View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(
        auto rows, txn.Scan(audit::kEventPrefix, store::PrefixEnd(audit::kEventPrefix), 0));
    for (auto& row : rows) {
      total_bytes += row.value.size();
      stored.push_back(std::move(row.value));
    }
    return Status::Ok();
  }),
       "read events");
  if (stored.size() != events) Die("the log does not hold the events appended");

  audit::VerifyReport report;
  const Timing verify = Median(repeat, [&] {
    Must(storage->View([&](store::ReadTxn& txn) -> Status {
      report = audit::VerifyLog(txn, &pub);
      return Status::Ok();
    }),
         "verify");
    if (!report.ok) Die("VerifyLog failed: " + report.reason);
    return Timing{0, report.events_checked, report.bytes_hashed};
  });
  const Timing verify_one_thread = Median(repeat, [&] {
    audit::VerifyReport r;
    Must(storage->View([&](store::ReadTxn& txn) -> Status {
      r = audit::VerifyLog(txn, &pub, audit::VerifyOptions{.hash_thread = false});
      return Status::Ok();
    }),
         "verify on one thread");
    if (!r.ok || r.bytes_hashed != total_bytes) Die("one-thread VerifyLog disagrees");
    return Timing{0, r.events_checked, r.bytes_hashed};
  });
  if (report.events_checked != events || report.bytes_hashed != total_bytes) {
    Die("VerifyLog covered a different set of bytes than the baseline");
  }

  // Context: the same verification with the hashing on the calling thread,
  // as it runs on a one-CPU machine.
  // Keeps the compiler from dropping hashes nobody looks at.
  volatile uint8_t sink = 0;
  const Timing sha = Median(repeat, [&] {
    for (const auto& ev : stored) sink = sink ^ crypto::Sha256(ev)[0];
    return Timing{0, events, total_bytes};
  });

  // Context: the rows VerifyLog reads (events, then the subtree hashes of
  // every level), in the same page size, without hashing or checking: first
  // the events alone, then everything.
  auto scan_rows = [&](std::vector<std::string_view> prefixes, uint64_t want) {
    return Median(repeat, [&, prefixes, want] {
      uint64_t rows = 0;
      Must(storage->View([&](store::ReadTxn& txn) -> Status {
        for (std::string_view prefix : prefixes) {
          std::string begin(prefix);
          const std::string end = store::PrefixEnd(prefix);
          for (;;) {
            MAMORI_ASSIGN_OR_RETURN(auto page, txn.Scan(begin, end, 2048));
            rows += page.size();
            if (page.size() < 2048) break;
            begin = page.back().key + std::string(1, '\0');
          }
        }
        return Status::Ok();
      }),
           "scan");
      if (rows != want) Die("scan found the wrong number of rows");
      return Timing{0, events, total_bytes};
    });
  };
  const Timing scan_events = scan_rows({audit::kEventPrefix}, events);
  const Timing scan_all =
      scan_rows({audit::kEventPrefix, audit::kNodePrefix}, events + report.nodes_checked);

  // Context: the RFC 6962 hashing VerifyLog must do whatever the storage.
  const Timing tree = Median(repeat, [&] {
    audit::merkle::TreeHasher hasher;
    std::vector<crypto::Digest> level;
    level.reserve(events);
    for (const auto& ev : stored) level.push_back(hasher.Leaf(ev));
    while (level.size() > 1) {
      std::vector<crypto::Digest> up;
      for (size_t i = 0; i + 1 < level.size(); i += 2)
        up.push_back(hasher.Node(level[i], level[i + 1]));
      if (level.size() % 2) up.push_back(level.back());
      level = std::move(up);
    }
    sink = sink ^ level[0][0];
    return Timing{0, events, total_bytes};
  });

  const double pct = 100.0 * verify.eps() / sha.eps();
  std::printf("bench_audit_verify  %s\n", HostLine().c_str());
  std::printf(
      "log: %llu events, %.1f MB of event JSON (mean %.0f B/event), %llu signed heads;\n"
      "     built in %.1f s; median of %d runs\n\n",
      static_cast<unsigned long long>(events), static_cast<double>(total_bytes) / 1e6,
      static_cast<double>(total_bytes) / static_cast<double>(events),
      static_cast<unsigned long long>(report.heads_checked), build_seconds, repeat);
  std::printf("%-50s %12s %9s %9s\n", "", "events/s", "MB/s", "vs SHA");
  auto line = [&](const char* name, const Timing& t) {
    std::printf("%-50s %12.0f %9.1f %8.1f%%\n", name, t.eps(), t.mbps(),
                100.0 * t.eps() / sha.eps());
  };
  line("audit::VerifyLog (store, pinned key)", verify);
  line("raw SHA-256, one call per event, in memory", sha);
  std::printf("\nverify / SHA-256 = %.1f%%   target %.0f%%   %s\n\n", pct, target,
              pct >= target ? "PASS" : "BELOW");
  std::printf(
      "VerifyLog reads and checks on the calling thread and hashes on a worker; the SHA-256\n"
      "baseline is one thread. VerifyLog on one thread (VerifyOptions.hash_thread = false):\n");
  line("  VerifyLog, hashing on the calling thread", verify_one_thread);
  std::printf("\ncontext (where VerifyLog's time goes):\n");
  line("  SQLite scan of the event rows only (audit/e/)", scan_events);
  line("  SQLite scan of every row it reads (+ audit/n/)", scan_all);
  line("  RFC 6962 leaf + node hashes in memory", tree);
  std::printf("VerifyLog checked %llu nodes and %llu signed heads.\n",
              static_cast<unsigned long long>(report.nodes_checked),
              static_cast<unsigned long long>(report.heads_checked));
  Must(storage->Close(), "close");
  return 0;
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) { return mamori::bench::Main(argc, argv); }
