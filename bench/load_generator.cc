#include "bench/load_generator.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace mamori::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// A run that has not finished this long after its window closed is stuck
// (a server that stopped answering): the watchdog closes every connection.
constexpr std::chrono::seconds kGrace{30};

double CpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}
double ThreadCpuSeconds() { return CpuSeconds(CLOCK_THREAD_CPUTIME_ID); }

struct Run;

// One keep-alive connection: request, response, next request, until the
// window closes. Its handlers never run concurrently (one chain at a time).
struct Connection {
  Connection(net::io_context& ioc, ssl::context& tls, Run& r, int i)
      : stream(ioc, tls), run(r), index(i) {}

  void Next();
  void OnWritten(const beast::error_code& ec);
  void OnRead(const beast::error_code& ec);

  ssl::stream<tcp::socket> stream;
  Run& run;
  const int index;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  std::optional<http::response_parser<http::string_body>> parser;
  Clock::time_point sent;
  uint64_t sequence = 0;
  std::vector<double> latency_us;
  Clock::time_point last_counted_done{};
};

struct Run {
  Run(const MakeRequest& m, const CheckResponse& c) : make(m), check(c) {}
  const MakeRequest& make;
  const CheckResponse& check;
  Clock::time_point warm_end;
  Clock::time_point end;
  std::function<void()> on_idle;  // called once, when no connection is active
  std::atomic<int> active{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  Status error = Status::Ok();

  void Fail(Status s) {
    {
      std::lock_guard lock(mu);
      if (!failed.exchange(true)) error = std::move(s);
    }
    Stopped();
  }
  // A connection issues no more requests.
  void Stopped() {
    if (active.fetch_sub(1) == 1) on_idle();
  }
};

void Connection::Next() {
  if (run.failed.load(std::memory_order_relaxed) || Clock::now() >= run.end) return run.Stopped();
  LoadRequest r = run.make(index, sequence++);
  request = {};
  request.method_string(r.method);
  request.target(r.target);
  request.version(11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : r.headers) request.set(name, value);
  request.body() = std::move(r.body);
  if (!request.body().empty() || r.method == "POST" || r.method == "PATCH") {
    request.prepare_payload();
  }
  sent = Clock::now();
  http::async_write(stream, request, [this](beast::error_code ec, size_t) { OnWritten(ec); });
}

void Connection::OnWritten(const beast::error_code& ec) {
  if (ec) return run.Fail(Status::Unavailable("write: " + ec.message()));
  parser.emplace();
  parser->body_limit(16 * 1024 * 1024);
  http::async_read(stream, buffer, *parser, [this](beast::error_code e, size_t) { OnRead(e); });
}

void Connection::OnRead(const beast::error_code& ec) {
  if (ec) return run.Fail(Status::Unavailable("read: " + ec.message()));
  const auto done = Clock::now();
  auto response = parser->release();
  if (!run.check(index, static_cast<int>(response.result_int()), response.body())) {
    return run.Fail(Status::Internal("response refused by the check: HTTP " +
                                     std::to_string(response.result_int())));
  }
  if (!response.keep_alive()) {
    return run.Fail(Status::Unavailable("the server closed a keep-alive connection"));
  }
  if (sent >= run.warm_end && sent < run.end) {
    latency_us.push_back(std::chrono::duration<double, std::micro>(done - sent).count());
    last_counted_done = done;
  }
  Next();
}

}  // namespace

Result<LoadResult> RunLoad(const LoadOptions& options, const MakeRequest& make,
                           const CheckResponse& check) {
  if (options.connections < 1 || options.threads < 1) {
    return Fail(Status::InvalidArgument("connections and threads must be at least 1"));
  }
  net::io_context ioc(options.threads);
  ssl::context tls(ssl::context::tls_client);
  beast::error_code ec;
  (void)tls.set_verify_mode(ssl::verify_peer, ec);
  if (!ec) (void)tls.load_verify_file(options.trust_certificate, ec);
  if (!ec && !options.client_certificate.empty()) {
    (void)tls.use_certificate_chain_file(options.client_certificate, ec);
    if (!ec) (void)tls.use_private_key_file(options.client_key, ssl::context::pem, ec);
  }
  if (ec) return Fail(Status::InvalidArgument("client TLS setup: " + ec.message()));

  Run run(make, check);
  std::vector<std::unique_ptr<Connection>> conns;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), options.port);
  for (int i = 0; i < options.connections; ++i) {
    auto c = std::make_unique<Connection>(ioc, tls, run, i);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->stream.native_handle()), "127.0.0.1");
    (void)c->stream.next_layer().connect(endpoint, ec);
    if (!ec) (void)c->stream.handshake(ssl::stream_base::client, ec);
    if (ec) return Fail(Status::Unavailable("connect: " + ec.message()));
    c->stream.next_layer().set_option(tcp::no_delay(true));
    conns.push_back(std::move(c));
  }

  const auto start = Clock::now();
  const double process_cpu_start = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID);
  run.warm_end = start + std::chrono::duration_cast<Clock::duration>(
                             std::chrono::duration<double>(options.warmup_seconds));
  run.end = run.warm_end + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(options.seconds));
  net::steady_timer watchdog(ioc, run.end + kGrace);
  watchdog.async_wait([&](const beast::error_code& e) {
    if (e) return;  // cancelled: the run finished
    run.Fail(Status::Unavailable("the server stopped answering"));
    for (auto& c : conns) {
      beast::error_code ignored;
      (void)c->stream.next_layer().close(ignored);
    }
  });
  // The watchdog keeps run() busy; the last connection to stop cancels it.
  run.on_idle = [&] { net::post(ioc, [&] { watchdog.cancel(); }); };
  run.active = options.connections;
  for (auto& c : conns) net::post(ioc, [conn = c.get()] { conn->Next(); });

  std::atomic<double> cpu{0};
  auto loop = [&] {
    const double before = ThreadCpuSeconds();
    ioc.run();
    const double used = ThreadCpuSeconds() - before;
    double seen = cpu.load();
    while (!cpu.compare_exchange_weak(seen, seen + used)) {
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < options.threads; ++t) threads.emplace_back(loop);
  loop();
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double process_cpu = CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - process_cpu_start;
  if (run.failed) return Fail(run.error);

  LoadResult out;
  Clock::time_point last = run.warm_end;
  for (auto& c : conns) {
    out.latency_us.insert(out.latency_us.end(), c->latency_us.begin(), c->latency_us.end());
    last = std::max(last, c->last_counted_done);
  }
  out.requests = out.latency_us.size();
  out.seconds = std::chrono::duration<double>(last - run.warm_end).count();
  out.client_cpu_seconds = cpu.load() * (out.seconds / std::max(elapsed, 1e-9));
  out.process_cpu_seconds = process_cpu * (out.seconds / std::max(elapsed, 1e-9));
  return out;
}

}  // namespace mamori::bench
