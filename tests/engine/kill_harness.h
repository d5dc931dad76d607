// A real SIGKILL during writes: a forked child opens its own engine on the
// store and writes from two threads, telling the parent each id only once
// its write was acknowledged; the parent kills it once it has heard of
// `at_least` ids and returns every id acknowledged before the kill.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "engine/engine.h"

namespace mamori::engine {

// write(engine, thread, iteration): the ids it wrote, or an error (the
// child then exits without acknowledging anything more).
using KilledWrite =
    std::function<Result<std::vector<std::string>>(Engine&, uint64_t thread, uint64_t iteration)>;

inline std::vector<std::string> KillWhileWriting(const Paths& paths, const Context& ctx,
                                                 size_t at_least, const KilledWrite& write) {
  int fds[2];
  if (::pipe(fds) != 0) {
    ADD_FAILURE() << "pipe";
    return {};
  }
  const pid_t child = ::fork();
  if (child < 0) {
    ADD_FAILURE() << "fork";
    return {};
  }
  if (child == 0) {
    ::close(fds[0]);
    EngineOptions options;
    options.paths = paths;
    options.record_key_pool = 16;
    auto engine = Engine::Open(std::move(options), ctx);
    if (!engine) ::_exit(3);
    std::vector<std::thread> writers;
    for (uint64_t t = 0; t < 2; ++t) {
      writers.emplace_back([&, t] {
        for (uint64_t i = 0;; ++i) {
          auto ids = write(**engine, t, i);
          if (!ids) ::_exit(4);
          // Acknowledged: only now does the parent learn the ids.
          std::string lines;
          for (const auto& id : *ids) lines += id + "\n";
          if (::write(fds[1], lines.data(), lines.size()) != static_cast<ssize_t>(lines.size()))
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
  while (static_cast<size_t>(std::count(acknowledged.begin(), acknowledged.end(), '\n')) <
         at_least) {
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) {
      ADD_FAILURE() << "the writer died before the kill";
      break;
    }
    acknowledged.append(buf, static_cast<size_t>(n));
  }
  EXPECT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  EXPECT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
    acknowledged.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  std::vector<std::string> ids;
  size_t start = 0;
  for (size_t nl; (nl = acknowledged.find('\n', start)) != std::string::npos; start = nl + 1) {
    ids.push_back(acknowledged.substr(start, nl - start));
  }
  return ids;
}

}  // namespace mamori::engine
