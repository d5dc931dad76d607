// A real SIGKILL during a write loop: every acknowledged record survives and
// the audit log verifies afterwards.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "engine/engine_fixture.h"

namespace mamori::engine {
namespace {

TEST_F(EngineTest, SigkillDuringWritesLosesNoAcknowledgedRecord) {
  CreateEmployees();
  engine_.reset();  // the child opens its own engine; no threads cross fork()
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    EngineOptions options;
    options.paths = paths_;
    options.record_key_pool = 16;
    auto engine = Engine::Open(std::move(options), TestContext());
    if (!engine) ::_exit(3);
    std::vector<std::thread> writers;
    for (int t = 0; t < 2; ++t) {
      writers.emplace_back([&, t] {
        for (uint64_t i = 0;; ++i) {
          auto r = (*engine)->Put(TestContext(), "employee_my_number",
                                  {{"my_number", TestMyNumber(i * 2 + static_cast<uint64_t>(t))},
                                   {"name", "障害 試験"}});
          if (!r) ::_exit(4);
          // Acknowledged: only now does the parent learn the id.
          const std::string line = r->id + "\n";
          if (::write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size()))
            ::_exit(5);
        }
      });
    }
    for (auto& w : writers) w.join();
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string acknowledged;
  char buf[4096];
  while (std::count(acknowledged.begin(), acknowledged.end(), '\n') < 150) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    ASSERT_GT(n, 0) << "writer died before the kill";
    acknowledged.append(buf, static_cast<size_t>(n));
  }
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    acknowledged.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);

  Reopen();
  size_t checked = 0;
  size_t start = 0;
  for (size_t nl; (nl = acknowledged.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string id = acknowledged.substr(start, nl - start);
    auto r = engine_->Get(TestContext(), "employee_my_number", id);
    EXPECT_TRUE(r.has_value()) << "acknowledged record lost: " << id;
    ++checked;
  }
  EXPECT_GE(checked, 150u);
  const audit::VerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.reason;
}

}  // namespace
}  // namespace mamori::engine
