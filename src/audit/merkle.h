// RFC 6962 §2.1 Merkle tree math, with nothing about storage: leaf and node
// hashes, the tree hash, inclusion proofs (PATH) and consistency proofs
// (PROOF), and their verification as RFC 9162 §2.1.3.2 and §2.1.4.2 describe.
//
// Proof generation never needs every leaf: it asks a SubtreeFn for the hashes
// of complete, aligned subtrees — (level, index) covers leaves
// [index * 2^level, (index + 1) * 2^level) — and combines O(log n) of them.
// log.h answers from stored subtree hashes; tests answer from memory.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/hash.h"

namespace mamori::audit::merkle {

using crypto::Digest;

// RFC 6962 hashing over one reusable SHA-256 context, for loops that hash
// many nodes. Not thread-safe: one per thread.
class TreeHasher {
 public:
  Digest Leaf(std::string_view data);                    // SHA-256(0x00 || data)
  Digest Node(const Digest& left, const Digest& right);  // SHA-256(0x01 || left || right)

 private:
  crypto::Sha256Hasher sha_;
};

// The same, on a per-thread TreeHasher.
Digest HashLeaf(std::string_view data);
Digest HashNode(const Digest& left, const Digest& right);
// MTH({}) = SHA-256 of the empty string.
Digest EmptyRoot();

// MTH over leaf hashes held in memory; the reference the rest is tested against.
Digest RootOfLeaves(std::span<const Digest> leaf_hashes);

// Hash of the complete subtree (level, index). Errors are passed through.
using SubtreeFn = std::function<Result<Digest>(unsigned level, uint64_t index)>;

// MTH(D[0:size]): one SubtreeFn call per set bit of size.
Result<Digest> RootFromSubtrees(uint64_t size, const SubtreeFn& subtree);

// PATH(index, D[0:size]), ordered from the leaf's sibling up to the root's
// child, as RFC 6962 §2.1.1 lists it. kInvalidArgument unless index < size.
Result<std::vector<Digest>> InclusionProof(uint64_t index, uint64_t size, const SubtreeFn& subtree);

// PROOF(first, D[0:second]) (RFC 6962 §2.1.2); empty when first is 0 or equals
// second. kInvalidArgument unless first <= second.
Result<std::vector<Digest>> ConsistencyProof(uint64_t first, uint64_t second,
                                             const SubtreeFn& subtree);

// The root that `proof` and `leaf_hash` imply for leaf `index` of a tree of
// `size` (RFC 9162 §2.1.3.2). kInvalidArgument unless index < size; kDataLoss
// when the proof has the wrong length for that position.
Result<Digest> RootFromInclusionProof(uint64_t index, uint64_t size, const Digest& leaf_hash,
                                      std::span<const Digest> proof);

// OK when `proof` shows `leaf_hash` is leaf `index` of the tree of `size` with
// `root`; kDataLoss when it does not; kInvalidArgument unless index < size.
Status VerifyInclusion(uint64_t index, uint64_t size, const Digest& leaf_hash,
                       std::span<const Digest> proof, const Digest& root);

// OK when `proof` shows the tree of `first` leaves with `first_root` is a
// prefix of the tree of `second` leaves with `second_root` (RFC 9162
// §2.1.4.2). The cases that algorithm leaves out are decided strictly:
// first == second needs an empty proof and equal roots; first == 0 needs an
// empty proof and first_root == EmptyRoot(). kInvalidArgument when
// first > second; kDataLoss otherwise.
Status VerifyConsistency(uint64_t first, uint64_t second, const Digest& first_root,
                         const Digest& second_root, std::span<const Digest> proof);

// The right edge of a tree grown one leaf at a time: the root of one complete
// subtree per set bit of size(). Fixed memory (64 digests), no allocation;
// VerifyLog uses it to recompute every subtree and root in one streaming pass.
class Frontier {
 public:
  uint64_t size() const { return size_; }

  // Appends leaf `size()`. Calls on_complete(level, index, hash) for every
  // subtree (level >= 1) this leaf completes, lowest first.
  template <class F>
  void Push(const Digest& leaf, TreeHasher& hasher, F&& on_complete) {
    Digest carry = leaf;
    unsigned level = 0;
    for (; (size_ >> level) & 1; ++level) {
      carry = hasher.Node(nodes_[level], carry);
      on_complete(level + 1, size_ >> (level + 1), carry);
    }
    nodes_[level] = carry;
    ++size_;
  }
  void Push(const Digest& leaf, TreeHasher& hasher) {
    Push(leaf, hasher, [](unsigned, uint64_t, const Digest&) {});
  }

  // Push for a leaf whose completed subtrees another Frontier, fed the same
  // leaves, has hashed already: `completed` holds them lowest first, one per
  // trailing 1 bit of size() (what Push passes to on_complete). Hashes
  // nothing, so that one thread can hash while another checks.
  template <class F>
  void PushHashed(const Digest& leaf, std::span<const Digest> completed, F&& on_complete) {
    Digest carry = leaf;
    unsigned level = 0;
    for (; ((size_ >> level) & 1) && level < completed.size(); ++level) {
      carry = completed[level];
      on_complete(level + 1, size_ >> (level + 1), carry);
    }
    nodes_[level] = carry;
    ++size_;
  }

  // MTH of the leaves pushed so far; EmptyRoot() when none.
  Digest Root(TreeHasher& hasher) const;

  // The root of the rightmost complete subtree of `level`, (level,
  // (size() >> level) - 1); meaningful when bit `level` of size() is set.
  const Digest& Subtree(unsigned level) const { return nodes_[level]; }

 private:
  std::array<Digest, 64> nodes_{};  // nodes_[l] is meaningful when bit l of size_ is set
  uint64_t size_ = 0;
};

}  // namespace mamori::audit::merkle
