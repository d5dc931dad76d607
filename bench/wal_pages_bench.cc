// WAL pages written per durable operation: the engine's Put, Get and Find
// next to a raw durable INSERT of a row the size of the engine's envelope.
// Not a timing: a count. On this project's disks the cost of a sync grows with
// what it syncs, so pages per commit is what the throughput figures of
// bench_put_get are made of (docs/PERFORMANCE.md).
//
// How it counts: after a batch of operations it reads the -wal file of the
// store and walks the frames of the current WAL generation (those whose salts
// match the header), counting frames and commit frames. A checkpoint restarts
// the generation, so each batch is kept under the auto-checkpoint size and
// the count is taken from the frames appended by the batch alone.
#include <fstream>

#include "bench/bench_common.h"

namespace mamori::bench {
namespace {

uint32_t Be32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

struct WalCount {
  uint64_t frames = 0;
  uint64_t commits = 0;
};

uint64_t Varint(const unsigned char* p, size_t* at) {
  uint64_t v = 0;
  for (int i = 0; i < 9; ++i) {
    const unsigned char c = p[(*at)++];
    if (i == 8) return v << 8 | c;
    v = v << 7 | (c & 0x7f);
    if (!(c & 0x80)) return v;
  }
  return v;
}

// What a page image holds, for --dump: its B-tree page type and the key of
// its first cell (the kv table is an index B-tree: WITHOUT ROWID).
std::string DescribePage(const unsigned char* page, uint32_t pgno, uint32_t size) {
  const size_t h = pgno == 1 ? 100 : 0;
  const unsigned char type = page[h];
  const char* name = type == 0x0a   ? "leaf"
                     : type == 0x02 ? "interior"
                     : type == 0x0d ? "tleaf"
                     : type == 0x05 ? "tinterior"
                                    : "other";
  std::string out = std::string(name) + (pgno == 1 ? " (page 1, header)" : "");
  if (type != 0x0a && type != 0x02) return out;
  const uint32_t cells = static_cast<uint32_t>(page[h + 3]) << 8 | page[h + 4];
  if (cells == 0) return out + " empty";
  const size_t ptrs = h + (type == 0x02 ? 12 : 8);
  size_t at = static_cast<size_t>(page[ptrs]) << 8 | page[ptrs + 1];
  if (type == 0x02) at += 4;
  if (at + 16 > size) return out;
  Varint(page, &at);  // payload size
  const size_t rec = at;
  const uint64_t hdr = Varint(page, &at);
  const uint64_t t0 = Varint(page, &at);
  size_t data = rec + hdr;
  if (t0 < 12 || t0 % 2 != 0) return out;
  const size_t klen = std::min<size_t>((t0 - 12) / 2, 48);
  std::string key;
  for (size_t i = 0; i < klen && data + i < size; ++i) {
    const char c = static_cast<char>(page[data + i]);
    key += (c >= 0x20 && c < 0x7f) ? c : '.';
  }
  return out + " x" + std::to_string(cells) + " first " + key;
}

// The pages of the last commit in the current generation of the WAL.
void DumpLastCommit(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string wal((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (wal.size() < 32) return;
  const auto* b = reinterpret_cast<const unsigned char*>(wal.data());
  const uint32_t page = Be32(b + 8);
  const uint32_t salt1 = Be32(b + 16), salt2 = Be32(b + 20);
  std::vector<size_t> frames, last;
  for (size_t off = 32; off + 24 + page <= wal.size(); off += 24 + page) {
    if (Be32(b + off + 8) != salt1 || Be32(b + off + 12) != salt2) break;
    frames.push_back(off);
    if (Be32(b + off + 4) != 0) {
      last = frames;
      frames.clear();
    }
  }
  for (size_t off : last) {
    const uint32_t pgno = Be32(b + off);
    std::printf("    page %6u  %s\n", pgno, DescribePage(b + off + 24, pgno, page).c_str());
  }
}

// Frames and commit frames of the current generation of the WAL at `path`.
WalCount CountWal(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string wal((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  WalCount c;
  if (wal.size() < 32) return c;
  const auto* b = reinterpret_cast<const unsigned char*>(wal.data());
  const uint32_t page = Be32(b + 8);
  const uint32_t salt1 = Be32(b + 16), salt2 = Be32(b + 20);
  for (size_t off = 32; off + 24 + page <= wal.size(); off += 24 + page) {
    if (Be32(b + off + 8) != salt1 || Be32(b + off + 12) != salt2) break;
    ++c.frames;
    if (Be32(b + off + 4) != 0) ++c.commits;
  }
  return c;
}

// Runs op `n` times and returns the WAL frames and commits it added. Retries
// when a checkpoint restarted the WAL in between (the count went down).
template <class Op>
WalCount Measure(const std::string& wal, int n, Op op) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    const WalCount before = CountWal(wal);
    for (int i = 0; i < n; ++i) op();
    const WalCount after = CountWal(wal);
    if (after.frames >= before.frames && after.commits > before.commits) {
      return {after.frames - before.frames, after.commits - before.commits};
    }
  }
  Die("the WAL restarted in every attempt; use a smaller --ops");
}

int Main(int argc, char** argv) {
  Flags flags(argc, argv,
              "bench_wal_pages: WAL pages written per durable engine Put/Get/Find next to a raw "
              "durable INSERT");
  const int records = static_cast<int>(flags.Num("records", 2000, "records put before counting"));
  const int ops = static_cast<int>(flags.Num("ops", 40, "operations per counted batch"));
  const int batches = static_cast<int>(flags.Num("batches", 5, "counted batches per operation"));
  const std::string dir = flags.Str("dir", "", "parent of the scratch directory ($TMPDIR, /tmp)");
  const int dump = static_cast<int>(flags.Num("dump", 0, "N > 0 lists the pages of N commits"));
  flags.Finish();

  ScratchDir scratch(dir, false);
  auto engine = OpenBenchEngine(scratch.path(), 256);
  const engine::Context ctx = BenchContext();
  std::vector<std::string> ids;
  uint64_t next = 0;
  for (int i = 0; i < records; ++i) {
    ids.push_back(Must(engine->Put(ctx, kDataset, EmployeeRecord(next++)), "put").id);
  }
  const size_t envelope = StoredValueSize(*engine, "r/" + std::string(kDataset) + "/" + ids[0]);

  RawDb raw(scratch / "raw.db");
  raw.WarmUp();
  std::mt19937_64 rng(42);
  const std::string value = RandomValue(envelope);
  for (int i = 0; i < records; ++i)
    raw.Insert("r/" + std::string(kDataset) + "/" + TimeOrderedId(rng), value);

  const std::string wal = scratch.path() + "/data/mamori.db-wal";
  std::printf("bench_wal_pages  %s\n", HostLine().c_str());
  std::printf("store of %d records, %d batches of %d operations each\n\n", records, batches, ops);
  std::printf("%-28s %12s\n", "operation", "WAL pages/commit");
  auto report = [&](const char* name, const std::string& file, auto op) {
    WalCount total;
    for (int b = 0; b < batches; ++b) {
      const WalCount c = Measure(file, ops, op);
      total.frames += c.frames;
      total.commits += c.commits;
    }
    std::printf("%-28s %12.2f\n", name,
                static_cast<double>(total.frames) / static_cast<double>(total.commits));
    for (int i = 0; i < dump; ++i) {
      op();
      std::printf("  one more commit:\n");
      DumpLastCommit(file);
    }
  };
  report("raw INSERT (put limit)", scratch / "raw.db-wal",
         [&] { raw.Insert("r/" + std::string(kDataset) + "/" + TimeOrderedId(rng), value); });
  report("engine put", wal, [&] {
    ids.push_back(Must(engine->Put(ctx, kDataset, EmployeeRecord(next++)), "put").id);
  });
  report("engine get", wal,
         [&] { Must(engine->Get(ctx, kDataset, ids[rng() % ids.size()]), "get"); });
  report("engine find (my_number)", wal, [&] {
    Must(engine->Find(ctx, kDataset, "my_number", MyNumberFor(rng() % next), "", 100), "find");
  });
  Must(engine->Close(), "engine close");
  return 0;
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) { return mamori::bench::Main(argc, argv); }
