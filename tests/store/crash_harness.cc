#include "store/crash_harness.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

namespace mamori::store::test {
namespace {

std::string CrashKey(char table, uint32_t thread, uint32_t seq) {
  return std::string(1, table) + '/' + std::to_string(thread) + '/' + std::to_string(seq);
}

std::string CrashValue(uint32_t thread, uint32_t seq) {
  return "value " + std::to_string(thread) + ' ' + std::to_string(seq);
}

// The child process: four threads Update in a loop and report every
// acknowledged Update down the pipe. Runs until killed.
[[noreturn]] void RunCrashChild(const OpenStore& open, int fd) {
  auto store = open();
  if (!store) ::_exit(2);
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < 4; ++t) {
    threads.emplace_back([&store, fd, t] {
      for (uint32_t seq = 0;; ++seq) {
        if (!CrashUpdate(**store, t, seq).ok()) ::_exit(3);
        // 8 bytes, under PIPE_BUF: written atomically among the threads.
        uint32_t record[2] = {t, seq};
        if (::write(fd, record, sizeof(record)) != static_cast<ssize_t>(sizeof(record))) {
          ::_exit(4);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ::_exit(5);
}

}  // namespace

Status CrashUpdate(Storage& store, uint32_t thread, uint32_t seq) {
  return store.Update([thread, seq](WriteTxn& txn) -> Status {
    MAMORI_RETURN_IF_ERROR(txn.Put(CrashKey('a', thread, seq), CrashValue(thread, seq)));
    return txn.Put(CrashKey('b', thread, seq), CrashValue(thread, seq));
  });
}

void ExpectAckedPresentAndWhole(Storage& store, const Acked& acked) {
  size_t missing = 0;
  Status status = store.View([&](ReadTxn& txn) -> Status {
    for (const auto& [t, seq] : acked) {
      MAMORI_ASSIGN_OR_RETURN(auto a, txn.Get(CrashKey('a', t, seq)));
      MAMORI_ASSIGN_OR_RETURN(auto b, txn.Get(CrashKey('b', t, seq)));
      if (a != CrashValue(t, seq) || b != CrashValue(t, seq)) ++missing;
    }
    // Atomicity, acknowledged or not: no Update is there by half.
    MAMORI_ASSIGN_OR_RETURN(auto as, txn.Scan("a/", PrefixEnd("a/"), 0));
    MAMORI_ASSIGN_OR_RETURN(auto bs, txn.Scan("b/", PrefixEnd("b/"), 0));
    EXPECT_EQ(as.size(), bs.size());
    for (size_t i = 0; i < std::min(as.size(), bs.size()); ++i) {
      EXPECT_EQ(as[i].key.substr(1), bs[i].key.substr(1));
    }
    EXPECT_GE(as.size(), acked.size());
    return Status::Ok();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged Updates";
}

void ExpectSigkillLosesNoAcknowledgedUpdate(const OpenStore& open) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    RunCrashChild(open, fds[1]);
  }
  ::close(fds[1]);

  Acked acked;
  std::string buffer;
  auto read_some = [&] {
    char chunk[4096];
    ssize_t n;
    do {
      n = ::read(fds[0], chunk, sizeof(chunk));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t whole = buffer.size() - buffer.size() % 8;
    for (size_t off = 0; off < whole; off += 8) {
      uint32_t record[2];
      std::memcpy(record, buffer.data() + off, sizeof(record));
      acked.emplace(record[0], record[1]);
    }
    buffer.erase(0, whole);
    return true;
  };
  // Kill once enough Updates are acknowledged, wherever the child is then.
  while (acked.size() < 300 && read_some()) {
  }
  ::kill(pid, SIGKILL);
  while (read_some()) {
  }  // acknowledgements already in the pipe count too
  ::close(fds[0]);
  int wait_status = 0;
  ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL)
      << "the child stopped by itself, exit code "
      << (WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1);
  ASSERT_GE(acked.size(), 300u);

  auto reopened = open();
  ASSERT_TRUE(reopened) << reopened.error().ToString();
  ExpectAckedPresentAndWhole(**reopened, acked);
}

}  // namespace mamori::store::test
