// Witnessing the engine's signed heads while a server runs
// (docs/ARCHITECTURE.md decision 13): at start, the store is checked against
// the last head each readable witness holds; then, every interval, the
// current head is signed (Engine::SignCurrentHead: no event, nothing while
// the log is idle) and written to every witness that does not hold it yet;
// at shutdown the caller publishes the final head.
//
// Order, so that a crash at any point leaves the log verifiable and the
// witness never ahead of the store: a head is signed in a store transaction
// that is durable before any witness sees it. A witness that fails is
// logged, counted, and retried (every min(interval, 10 s) while behind);
// the API keeps serving — the store is the record, the witness its anchor —
// and State() says so for /readyz and /metrics. Nothing of this runs on a
// request's path: the witnessing thread only queues one small transaction
// per interval in the engine's group commit.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "audit/head.h"
#include "audit/witness.h"
#include "core/status.h"
#include "core/time.h"
#include "engine/engine.h"

namespace mamori::engine {

struct WitnessingOptions {
  std::chrono::milliseconds interval{60'000};
  // One line for the server's log: warn is true for failures. Messages name
  // witnesses and sizes only.
  std::function<void(bool warn, std::string_view message)> log;
};

// What /readyz and /metrics show. Sizes stay out of it on purpose: they
// count activity, and metrics may be read by anyone who reaches them.
struct WitnessState {
  size_t witnesses = 0;
  uint64_t failures = 0;        // failed writes to a witness since start
  bool behind = false;          // some witness lacks the latest signed head
  TimeMicros last_success = 0;  // last time every witness held the latest head; 0: never
  std::string last_error;       // English, naming the witness; empty after a success
};

// The start-up check, for each witness that can be read back: the store
// against the last head it holds (audit::CheckAgainstTrustedHead, the one
// check `mamori audit verify --trusted-head` runs too), with `signer` pinned.
// kFailedPrecondition naming the witness, the problem and the reason
// (English and Japanese; subject "witness") when the store is behind,
// diverged, or the head is not the signer's; a witness's own read error as
// it is. OK when no witness holds a head yet.
Status CheckAgainstWitnesses(store::Storage& data, const crypto::EcdsaP256PublicKey& signer,
                             const std::vector<std::unique_ptr<audit::Witness>>& witnesses);

class Witnessing {
 public:
  // `engine` must outlive this object. No thread runs until Start. Reads
  // the last head of each witness that can be read back, so that a head it
  // holds already is not written to it again.
  Witnessing(Engine& engine, std::vector<std::unique_ptr<audit::Witness>> witnesses,
             WitnessingOptions options);
  ~Witnessing();  // Stop()
  Witnessing(const Witnessing&) = delete;
  Witnessing& operator=(const Witnessing&) = delete;

  // CheckAgainstWitnesses on the engine's store with its signer's key.
  Status CheckStore();

  // Starts the thread that publishes every interval.
  void Start();
  // Stops and joins it (idempotent).
  void Stop();

  // Signs the current head and records it on every witness that lacks it.
  // The first failure is returned (after every witness was tried).
  Status PublishNow();
  // Records `sth`, already durable in the store (e.g. the head signed at
  // shutdown), on every witness that lacks it.
  Status Publish(const audit::SignedTreeHead& sth);

  WitnessState State() const;
  const std::vector<std::unique_ptr<audit::Witness>>& witnesses() const { return witnesses_; }

 private:
  void Loop();
  void Log(bool warn, const std::string& message) const;

  Engine& engine_;
  std::vector<std::unique_ptr<audit::Witness>> witnesses_;
  WitnessingOptions options_;

  std::mutex publish_mu_;           // one Publish at a time (the thread and the caller)
  mutable std::mutex mu_;           // guards what follows
  std::vector<uint64_t> recorded_;  // per witness: the largest size it holds (0: none known)
  WitnessState state_;
  bool stop_ = false;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace mamori::engine
