// bench_cluster: puts and gets through `mamori serve` processes already
// running (scripts/cluster-bench starts them on PostgreSQL or on the
// embedded store), with bench_api's load generator. The connections are
// spread evenly over the servers given; each server gets its own load
// generator thread, and the rates of one run are summed over the servers.
// Every put must answer 201 and every get 200, or the run stops: a rate
// over refused requests is no figure.
//
// The session token comes from a file (never argv): a logon of the demo's
// handler made by the script. Prints one JSON line per operation.
//
// With --server-pids (the mamori servers) and --postmaster (the PostgreSQL
// server's postmaster pid), each line also gives the CPU per operation of
// each side: the servers, the PostgreSQL processes (the postmaster and all
// its children: the backends serving the connections, the WAL writer, the
// checkpointer ...), the load generator, and the whole machine (from
// /proc/stat, which includes whatever else runs). Each is the CPU time over
// the run (warm-up and measured window, the load being the same in both)
// divided by the run's wall time, i.e. cores in use, over the measured rate.
#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench/bench_common.h"
#include "bench/load_generator.h"

namespace mamori::bench {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// utime + stime of a process (all its threads), in seconds; 0 once gone.
// With `reaped`, also the CPU of its children that ended and were waited
// for (cutime + cstime): a PostgreSQL backend whose connection closed.
// The text of /proc/PID/stat; empty when the process is gone (reading the
// file of a process that ended meanwhile fails with ESRCH, which libstdc++
// throws from the stream buffer).
std::string ProcStat(uint64_t pid) {
  try {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    return "";
  }
}

double ProcessCpu(uint64_t pid, bool reaped = false) {
  const std::string text = ProcStat(pid);
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double ticks = 0;
  // Fields 3.. after the name; utime and stime are fields 14 and 15,
  // cutime and cstime 16 and 17.
  const int last = reaped ? 17 : 15;
  for (int i = 3; i <= last && fields >> f; ++i) {
    if (i >= 14) ticks += std::stod(f);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

uint64_t ParentOf(uint64_t pid) {
  const std::string text = ProcStat(pid);
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string state;
  uint64_t ppid = 0;
  fields >> state >> ppid;
  return ppid;
}

// The postmaster, its children, and those of its children that ended (a
// connection closed: the postmaster waited for its backend).
double PostgresCpu(uint64_t postmaster) {
  if (postmaster == 0) return 0;
  double total = ProcessCpu(postmaster, /*reaped=*/true);
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return total;
  while (dirent* e = readdir(proc)) {
    char* end = nullptr;
    const uint64_t pid = std::strtoull(e->d_name, &end, 10);
    if (pid == 0 || *end != '\0') continue;
    if (ParentOf(pid) == postmaster) total += ProcessCpu(pid);
  }
  closedir(proc);
  return total;
}

// Busy seconds of all CPUs (/proc/stat: everything but idle and iowait).
double MachineCpu() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  in >> cpu;
  double busy = 0;
  for (int i = 0; i < 10; ++i) {
    double v = 0;
    if (!(in >> v)) break;
    if (i != 3 && i != 4 && i < 8) busy += v;  // idle, iowait; guest is in user
  }
  return busy / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The processes whose CPU is reported (flags).
std::vector<uint64_t> g_server_pids;
uint64_t g_postmaster = 0;

struct CpuSample {
  double servers = 0, postgres = 0, client = 0, machine = 0;
  std::chrono::steady_clock::time_point at;
};

CpuSample SampleCpu(const std::vector<uint64_t>& servers, uint64_t postmaster) {
  CpuSample s;
  for (uint64_t pid : servers) s.servers += ProcessCpu(pid);
  s.postgres = PostgresCpu(postmaster);
  s.client = ProcessCpu(static_cast<uint64_t>(getpid()));
  s.machine = MachineCpu();
  s.at = std::chrono::steady_clock::now();
  return s;
}

struct Total {
  uint64_t requests = 0;
  double seconds = 0;
  std::vector<double> latency_us;
  CpuSample before, after;
};

// One run: a RunLoad per server at once, summed.
Total RunAll(const std::vector<uint64_t>& ports, const LoadOptions& base, int per_server,
             const std::function<LoadRequest(size_t server, int conn, uint64_t i)>& make,
             const std::function<bool(size_t server, int status, std::string_view)>& check) {
  const CpuSample before = SampleCpu(g_server_pids, g_postmaster);
  std::vector<LoadResult> results(ports.size());
  std::vector<std::thread> threads;
  for (size_t s = 0; s < ports.size(); ++s) {
    threads.emplace_back([&, s] {
      LoadOptions o = base;
      o.port = static_cast<uint16_t>(ports[s]);
      o.connections = per_server;
      results[s] = Must(
          RunLoad(
              o, [&, s](int c, uint64_t i) { return make(s, c, i); },
              [&, s](int, int status, std::string_view body) { return check(s, status, body); }),
          "load");
    });
  }
  for (auto& t : threads) t.join();
  Total total;
  total.before = before;
  total.after = SampleCpu(g_server_pids, g_postmaster);
  for (auto& r : results) {
    total.requests += r.requests;
    total.seconds = std::max(total.seconds, r.seconds);
    total.latency_us.insert(total.latency_us.end(), r.latency_us.begin(), r.latency_us.end());
  }
  return total;
}

void Print(const char* op, size_t servers, int connections, Total& t) {
  const double rate = t.seconds > 0 ? static_cast<double>(t.requests) / t.seconds : 0;
  const double wall = std::chrono::duration<double>(t.after.at - t.before.at).count();
  // CPU µs per operation: cores in use over the run, divided by the rate.
  auto per_op = [&](double before, double after) {
    return wall > 0 && rate > 0 ? 1e6 * (after - before) / wall / rate : 0;
  };
  std::printf(
      "{\"op\":\"%s\",\"servers\":%zu,\"connections\":%d,\"requests\":%llu,\"seconds\":%.2f,"
      "\"per_second\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"cpu_us_per_op\":{\"servers\":%.0f,"
      "\"postgres\":%.0f,\"load_generator\":%.0f,\"machine\":%.0f},\"machine_busy_cores\":%.2f}\n",
      op, servers, connections, static_cast<unsigned long long>(t.requests), t.seconds, rate,
      Percentile(t.latency_us, 50) / 1000, Percentile(t.latency_us, 99) / 1000,
      per_op(t.before.servers, t.after.servers), per_op(t.before.postgres, t.after.postgres),
      per_op(t.before.client, t.after.client), per_op(t.before.machine, t.after.machine),
      wall > 0 ? (t.after.machine - t.before.machine) / wall : 0);
  std::fflush(stdout);
}

}  // namespace
}  // namespace mamori::bench

int main(int argc, char** argv) {
  using namespace mamori;
  using namespace mamori::bench;
  Flags flags(
      argc, argv,
      "bench_cluster: puts and gets through running mamori servers (scripts/cluster-bench)");
  const auto ports = flags.List("ports", "", "the servers' ports on 127.0.0.1");
  const std::string data = flags.Str("data", "", "the demo data directory (TLS, terminal pki)");
  const std::string token_file = flags.Str("token-file", "", "file holding a session token");
  const int connections =
      static_cast<int>(flags.Num("connections", 12, "connections in all, spread over the servers"));
  const double seconds = flags.Num("seconds", 3, "measured seconds per run");
  const double warmup = flags.Num("warmup", 0.5, "uncounted seconds before each run");
  const uint64_t first = static_cast<uint64_t>(
      flags.Num("first", 0, "index of the first synthetic My Number (distinct per run)"));
  const std::string ops = flags.Str("ops", "put,get", "put,get, or put alone");
  g_server_pids = flags.List("server-pids", "", "the servers' pids (CPU per operation)");
  g_postmaster =
      static_cast<uint64_t>(flags.Num("postmaster", 0, "the PostgreSQL postmaster's pid (CPU)"));
  flags.Finish();
  if (ports.empty() || data.empty() || token_file.empty()) Die("--ports, --data, --token-file");
  std::string token = Slurp(token_file);
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  const std::string auth = "Bearer " + token;

  LoadOptions load;
  load.trust_certificate = data + "/tls/server.crt";  // paths, not PEM
  load.client_certificate = data + "/demo-pki/terminal.crt";
  load.client_key = data + "/demo-pki/terminal.key";
  load.warmup_seconds = warmup;
  load.seconds = seconds;
  const int per_server = std::max(1, connections / static_cast<int>(ports.size()));
  const std::string records = "/v1/datasets/employee_my_number/records";

  std::mutex mu;
  std::vector<std::string> ids;
  std::atomic<uint64_t> next{first};
  Total put = RunAll(
      ports, load, per_server,
      [&](size_t, int, uint64_t) {
        const uint64_t i = next.fetch_add(1);
        nlohmann::json body = {{"my_number", MyNumberFor(i)},
                               {"name", "試験 花子"},
                               {"name_kana", "シケン ハナコ"},
                               {"birth_date", "1991-05-02"}};
        return LoadRequest{"POST",
                           records + "?purpose=withholding",
                           body.dump(),
                           {{"Authorization", auth}, {"Content-Type", "application/json"}}};
      },
      [&](size_t, int status, std::string_view body) {
        if (status != 201) return false;
        auto j = nlohmann::json::parse(body, nullptr, false);
        if (!j.is_object() || !j.contains("id")) return false;
        std::lock_guard lock(mu);
        ids.push_back(j["id"].get<std::string>());
        return true;
      });
  Print("put", ports.size(), per_server * static_cast<int>(ports.size()), put);
  if (ids.empty()) Die("no record written");
  if (ops == "put") return 0;
  if (ops != "put,get") Die("--ops: put,get or put");

  // Reads of what the run wrote, each through a server chosen by the
  // request, so most are read through a server that did not write them.
  Total get = RunAll(
      ports, load, per_server,
      [&](size_t s, int c, uint64_t i) {
        const auto& id = ids[(i * 7919 + static_cast<uint64_t>(c) * 104729 + s) % ids.size()];
        return LoadRequest{
            "GET", records + "/" + id + "?purpose=withholding", {}, {{"Authorization", auth}}};
      },
      [](size_t, int status, std::string_view) { return status == 200; });
  Print("get", ports.size(), per_server * static_cast<int>(ports.size()), get);
  return 0;
}
