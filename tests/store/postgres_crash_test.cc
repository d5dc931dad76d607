// Crash safety of the postgres backend: a writer process SIGKILLed under
// load, and the database server itself crashing (an immediate stop) and
// restarting under load. Either way every acknowledged Update is there, and
// no Update by half.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "store/crash_harness.h"
#include "store/pg_test_server.h"
#include "store/postgres/postgres_storage.h"
#include "store/storage_suite.h"

namespace mamori::store::test {
namespace {

OpenStore Opener(const std::string& conninfo) {
  return [conninfo] {
    PostgresOptions options;
    options.conninfo = conninfo;
    return OpenPostgresStorage(options);
  };
}

TEST(PostgresCrashTest, SigkilledWriterLosesNoAcknowledgedUpdate) {
  PgTestServer* server = PgTestServer::Shared();
  ASSERT_NE(server, nullptr);
  OpenStore open = Opener(server->NewStore());
  {
    // Created and closed before fork, so that no connection crosses it.
    auto created = open();
    ASSERT_TRUE(created) << created.error().ToString();
  }
  ExpectSigkillLosesNoAcknowledgedUpdate(open);
}

TEST(PostgresCrashTest, ServerRestartUnderLoadLosesNothingAcknowledged) {
  // A server of its own: the restart must not disturb other tests' stores.
  std::unique_ptr<PgTestServer> server = PgTestServer::StartOwn();
  ASSERT_NE(server, nullptr);
  auto opened = Opener(server->NewStore())();
  ASSERT_TRUE(opened) << opened.error().ToString();
  Storage& store = **opened;

  std::mutex mu;
  Acked acked;             // guarded by mu
  size_t acked_after = 0;  // acknowledged after the restart; guarded by mu
  std::atomic<bool> restarted{false};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> errors{0};
  std::vector<std::thread> writers;
  for (uint32_t t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (uint32_t seq = 0; !stop; ++seq) {
        Status status = CrashUpdate(store, t, seq);
        if (!status.ok()) {
          // Reported, never a silent loss: only kUnavailable is expected.
          EXPECT_EQ(status.code(), Code::kUnavailable) << status.ToString();
          ++errors;
          continue;
        }
        std::lock_guard lock(mu);
        acked.emplace(t, seq);
        if (restarted) ++acked_after;
      }
    });
  }
  auto count = [&] {
    std::lock_guard lock(mu);
    return acked.size();
  };
  EXPECT_TRUE(WaitUntil([&] { return count() >= 200; }));
  EXPECT_TRUE(server->RestartImmediate());
  restarted = true;
  // The backend connects again by itself: Updates succeed after the restart.
  EXPECT_TRUE(WaitUntil([&] {
    std::lock_guard lock(mu);
    return acked_after >= 100;
  }));
  stop = true;
  for (auto& writer : writers) writer.join();
  EXPECT_GT(errors.load(), 0u) << "the crash went unnoticed";
  ExpectAckedPresentAndWhole(store, acked);
  EXPECT_TRUE(store.Close().ok());
}

}  // namespace
}  // namespace mamori::store::test
