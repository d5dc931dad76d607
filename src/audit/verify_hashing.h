// Internal to VerifyLog: the hashing half of a verification pass. Events are
// copied out of the store a batch at a time; a worker thread hashes one batch
// (leaves, and the subtrees they complete on its own frontier) and takes seq
// and prev out of each event while the verifier reads the next batch and
// checks the one before in seq order (verify.cc).
#pragma once

#include <array>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "audit/merkle.h"
#include "audit/verify_scan.h"
#include "crypto/hash.h"

namespace mamori::audit::internal {

// Lower-case hex of `d`, as an event's prev holds it: 64 characters, no NUL.
// Runs for every event, so with SSE2 sixteen bytes at a time.
void HexInto(const crypto::Digest& d, char out[64]);

// What is worked out for one event before it is checked: its leaf hash and
// its hex (what the next event's prev must say), its seq and prev (views
// into the row) when it parses, and, when a worker hashed it, the subtrees
// it completes (in the batch's nodes, lowest first).
struct HashedEvent {
  crypto::Digest leaf;
  char hex[64];
  EventFields fields;
  bool parsed = false;
  uint32_t nodes_at = 0;
  uint8_t nodes = 0;
};

// Events copied out of the store back to back, and what the worker made of
// them (`scanned`, `nodes`).
struct EventBatch {
  std::string bytes;
  std::vector<std::array<size_t, 3>> items;  // key at, key size, value size
  std::vector<HashedEvent> scanned;
  std::vector<crypto::Digest> nodes;
  std::string_view Key(size_t i) const { return {bytes.data() + items[i][0], items[i][1]}; }
  std::string_view Value(size_t i) const {
    return {bytes.data() + items[i][0] + items[i][1], items[i][2]};
  }
};

// The hashing thread: takes batches one at a time, in order, and keeps the
// Merkle frontier across them, so batches must be submitted in seq order.
class HashWorker {
 public:
  HashWorker() = default;
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;
  ~HashWorker();

  // False when no thread could be started (the caller hashes on its own).
  bool Start();
  // Hands `b` to the worker; at most one batch is pending at a time.
  void Submit(EventBatch* b);
  // Returns once `b` (the last one submitted) is hashed.
  void Wait(EventBatch* b);

 private:
  void Loop();
  void Hash(EventBatch& b);

  std::mutex mu_;
  std::condition_variable cv_;
  EventBatch* pending_ = nullptr;
  EventBatch* done_ = nullptr;
  bool stop_ = false;
  merkle::TreeHasher hasher_;
  merkle::Frontier frontier_;
  std::thread thread_;
};

}  // namespace mamori::audit::internal
