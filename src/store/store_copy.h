// Copying one store into another (an embedded store into PostgreSQL), and
// the digest that shows the copy is whole.
#pragma once

#include <cstdint>

#include "crypto/hash.h"
#include "store/storage.h"

namespace mamori::store {

// What a store holds, summed up: the number of pairs, their bytes, and
// SHA-256 over every pair in key order (each key and value preceded by its
// length as 8 bytes, big-endian), so that two stores with equal digests
// hold exactly the same pairs.
struct StoreDigest {
  uint64_t rows = 0;
  uint64_t bytes = 0;
  crypto::Digest sha256{};
  bool operator==(const StoreDigest&) const = default;
};

// The digest of `store`, read in one View.
Result<StoreDigest> DigestOf(Storage& store);

// Copies every pair of `from` (one View: a consistent snapshot) into `to`,
// in Updates of a bounded size, then reads `to` back and compares digests.
// `to` must be empty (kFailedPrecondition otherwise: a copy never merges).
// kDataLoss if the copy read back differs. Returns the source's digest.
Result<StoreDigest> CopyStore(Storage& from, Storage& to);

}  // namespace mamori::store
