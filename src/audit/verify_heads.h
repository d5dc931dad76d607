// The signed-head half of VerifyLog (verify.h): walks audit/sth/ in size
// order alongside the event stream and checks each head when the stream has
// reached its size. Internal to the audit module.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/merkle.h"
#include "audit/verify.h"
#include "audit/verify_scan.h"
#include "crypto/signature.h"
#include "store/storage.h"

namespace mamori::audit::internal {

// Records the first failure in `r`. Always false, so a check can end with
// `return Failed(...)`.
bool Failed(VerifyReport& r, Problem p, std::optional<uint64_t> seq, std::string en,
            std::string ja);
bool StoreFailed(VerifyReport& r, const Status& s);

// A key for a message: keys are ours, not personal data, but a tampered one
// may hold any bytes.
std::string Printable(std::string_view key);

class HeadChecker {
 public:
  HeadChecker(store::ReadTxn& txn, const crypto::EcdsaP256PublicKey* pinned, VerifyReport& report);

  // Checks every head not yet checked whose size is at most `size`, where
  // `frontier` holds the events streamed so far: a head within them must carry
  // their root; one beyond them means events were cut from the end.
  bool CheckThrough(uint64_t size, const merkle::Frontier& frontier, merkle::TreeHasher& hasher);

 private:
  bool Check(const Row& row, uint64_t size, const merkle::Frontier& frontier,
             merkle::TreeHasher& hasher);
  const crypto::EcdsaP256PublicKey* SignerKey(const SignedTreeHead& sth);
  bool Bad(Problem p, uint64_t size, std::optional<uint64_t> seq, const std::string& en,
           const std::string& ja);

  store::ReadTxn& txn_;
  const crypto::EcdsaP256PublicKey* pinned_;
  VerifyReport& r_;
  PagedCursor heads_;
  uint64_t next_size_ = 0;  // size of the next unchecked head when known, else 0
  std::vector<std::pair<std::string, crypto::EcdsaP256PublicKey>> keys_;  // stored keys seen
};

}  // namespace mamori::audit::internal
