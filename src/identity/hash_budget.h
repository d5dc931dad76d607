// A memory budget for password hashing: Argon2id takes its memory cost
// (64 MiB by default) for every check, so unbounded concurrent logons —
// an unauthenticated flood for unknown IDs, each checked against the dummy
// hash — take the server's memory with them (issue 12: 64 parallel logons,
// 4 GiB). Every Argon2id computation of identity holds a Lease of its
// memory cost from one HashBudget, so the hashing memory in use never
// exceeds `memory_kib`.
//
// Callers that find the budget spent queue, first come first served, for at
// most `max_wait`; at most `max_waiting` of them queue at once (each holds a
// server thread while it waits). Beyond either bound the call is refused at
// once with kUnavailable, subject "login.busy": the server answers 503 with
// Retry-After. A cost larger than the whole budget is granted when it has
// the budget to itself (so a hash made with a costlier setting can still be
// checked). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>

#include "core/status.h"

namespace mamori::identity {

struct HashBudgetOptions {
  uint64_t memory_kib = 256 * 1024;  // four checks at the default 64 MiB at once
  size_t max_waiting = 16;           // queued callers beyond which a call is refused at once
  std::chrono::milliseconds max_wait{5000};
};

class HashBudget {
 public:
  explicit HashBudget(HashBudgetOptions options = {}) : options_(options) {}
  HashBudget(const HashBudget&) = delete;
  HashBudget& operator=(const HashBudget&) = delete;

  // Memory granted to one caller; given back when destroyed.
  class Lease {
   public:
    Lease() = default;
    ~Lease() { Release(); }
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    uint64_t kib() const { return kib_; }
    // Grows the lease to `kib` (nothing when it holds as much already),
    // queueing like Acquire. On a refusal the lease keeps what it had.
    Status GrowTo(uint64_t kib);
    void Release();

   private:
    friend class HashBudget;
    Lease(HashBudget* budget, uint64_t kib) : budget_(budget), kib_(kib) {}
    HashBudget* budget_ = nullptr;
    uint64_t kib_ = 0;
  };

  // A lease of `kib` (at least 1), or kUnavailable "login.busy" (see above).
  Result<Lease> Acquire(uint64_t kib);

  const HashBudgetOptions& options() const { return options_; }

  struct Stats {
    uint64_t in_use_kib = 0;
    uint64_t peak_kib = 0;  // the most in use at once since construction
    size_t waiting = 0;
    uint64_t granted = 0;  // leases (and growths) granted
    uint64_t refused = 0;  // calls refused busy
  };
  Stats stats() const;

 private:
  struct Waiter {
    uint64_t kib;   // wanted
    uint64_t held;  // already held by the caller (a lease that grows)
  };
  // Takes `kib` more for a caller holding `held`; false when refused.
  bool Take(uint64_t kib, uint64_t held);
  void Give(uint64_t kib);
  bool Fits(const Waiter& w) const;  // mu_ held
  void Grant(uint64_t kib);          // mu_ held

  const HashBudgetOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t in_use_ = 0;
  // Callers waiting, in order of arrival; only the first may take. A lease
  // that grows goes first: it holds memory the others wait for.
  std::list<const Waiter*> queue_;
  uint64_t peak_ = 0;
  uint64_t granted_ = 0;
  uint64_t refused_ = 0;
};

// kUnavailable "login.busy": the server is busy checking other passwords.
Status HashBudgetBusy();

}  // namespace mamori::identity
