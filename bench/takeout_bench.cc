// Engine::Export (take-out to a CMS file) at growing selection sizes: time,
// file size, and how much the process's peak resident memory rises during
// the export. The target is that memory does not grow with the records'
// contents: records are read, encrypted and dropped one at a time, and what
// grows is the list of selected ids and the manifest (about 100 bytes a
// record), not the values.
//
// Peak memory is Linux's VmHWM, reset before each export by writing 5 to
// /proc/self/clear_refs, and compared with VmRSS just before it.
#include <fstream>
#include <thread>

#include "bench/bench_common.h"

namespace mamori::bench {
namespace {

long StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field)) return std::strtol(line.c_str() + std::strlen(field), nullptr, 10);
  }
  return -1;
}

void ResetPeak() { std::ofstream("/proc/self/clear_refs") << "5"; }

int Main(int argc, char** argv) {
  Flags flags(argc, argv,
              "bench_takeout: Engine::Export time and peak memory at growing selection sizes "
              "(target: memory flat in the records' contents)");
  auto sizes = flags.List("sizes", "1000,10000,50000", "records exported, ascending");
  const int load_threads =
      static_cast<int>(flags.Num("load-threads", 16, "threads calling Put while loading"));
  const std::string dir = flags.Str("dir", "", "parent of the scratch directory ($TMPDIR, /tmp)");
  flags.Finish();
  std::sort(sizes.begin(), sizes.end());

  ScratchDir scratch(dir, false);
  auto engine = OpenBenchEngine(scratch.path(), 256);
  nlohmann::json def = EmployeeDataset();
  def["name"] = "staff_export";
  def["classification"]["confidentiality"] = 2;
  def["handling"] = nlohmann::json::array({"encrypt_required"});
  Must(engine->CreateDataset(BenchContext(), def), "create dataset");
  const std::string pki = scratch.path() + "/pki";
  std::filesystem::create_directories(pki);
  const std::string make =
      "cd '" + pki +
      "' && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout r.key -out "
      "r.csr -subj /CN=r && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
      "-keyout ca.key -out ca.crt -subj /CN=ca -days 2 && printf 'keyUsage=keyAgreement\\n' > "
      "r.ext && openssl x509 -req -in r.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out r.crt "
      "-days 2 -extfile r.ext >/dev/null 2>&1";
  if (std::system(make.c_str()) != 0) Die("openssl could not make the recipient certificate");
  std::ifstream cert_in(pki + "/r.crt");
  const std::string cert((std::istreambuf_iterator<char>(cert_in)), {});

  std::printf("%s\n", HostLine().c_str());
  std::printf("%10s %12s %10s %12s %12s %14s\n", "records", "file_bytes", "seconds", "rss_kb",
              "peak_kb", "peak-rss_kb");
  uint64_t loaded = 0;
  for (uint64_t size : sizes) {
    std::atomic<uint64_t> next{loaded};
    std::vector<std::thread> threads;
    engine::Context ctx = BenchContext();
    for (int t = 0; t < load_threads; ++t) {
      threads.emplace_back([&] {
        for (uint64_t i; (i = next.fetch_add(1)) < size;) {
          Must(engine->Put(ctx, "staff_export", EmployeeRecord(i)), "put");
        }
      });
    }
    for (auto& t : threads) t.join();
    loaded = size;

    engine::TakeoutRequest req;
    req.dataset = "staff_export";
    req.all = true;
    req.recipient_certificate = cert;
    req.approval = "bench-approval";
    req.approvers = {{"tanaka_kacho", "section_manager"}};
    req.until = AddToDate(JstDate(NowMicros()), 0, 0, 7);
    req.out_path = scratch.path() + "/takeout-" + std::to_string(size) + ".p7m";
    ctx.actor = "bench_exporter";
    ResetPeak();
    const long rss = StatusKb("VmRSS:");
    const auto start = Clock::now();
    Must(engine->Export(ctx, req), "export");
    const double seconds = SecondsSince(start);
    const long peak = StatusKb("VmHWM:");
    std::printf("%10llu %12llu %10.2f %12ld %12ld %14ld\n", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(std::filesystem::file_size(req.out_path)), seconds,
                rss, peak, peak - rss);
    std::filesystem::remove(req.out_path);
  }
  Must(engine->Close(), "close");
  return 0;
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) { return mamori::bench::Main(argc, argv); }
