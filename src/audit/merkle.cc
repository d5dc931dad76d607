#include "audit/merkle.h"

#include <bit>
#include <cstring>

namespace mamori::audit::merkle {
namespace {

// The k of RFC 6962: the largest power of two smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

Status ProofMismatch(std::string en, std::string ja) {
  return Status::DataLoss(std::move(en), std::move(ja));
}

// Walks the RFC 6962 recursions over ranges [begin, end) of the tree, asking
// the SubtreeFn only for complete aligned subtrees. Every range the
// recursions visit either is such a subtree or ends at the tree's right edge,
// so a proof costs O(log n) calls.
class ProofBuilder {
 public:
  explicit ProofBuilder(const SubtreeFn& subtree) : subtree_(subtree) {}

  Result<Digest> RangeHash(uint64_t begin, uint64_t end) {
    const uint64_t n = end - begin;
    if (std::has_single_bit(n) && begin % n == 0) {
      const unsigned level = static_cast<unsigned>(std::countr_zero(n));
      return subtree_(level, begin >> level);
    }
    const uint64_t k = SplitPoint(n);
    MAMORI_ASSIGN_OR_RETURN(Digest left, RangeHash(begin, begin + k));
    MAMORI_ASSIGN_OR_RETURN(Digest right, RangeHash(begin + k, end));
    return hasher_.Node(left, right);
  }

  // RFC 6962 §2.1.1 PATH(m, D[begin:end]).
  Status Path(uint64_t m, uint64_t begin, uint64_t end) {
    if (end - begin <= 1) return Status::Ok();
    const uint64_t split = begin + SplitPoint(end - begin);
    if (m < split) {
      MAMORI_RETURN_IF_ERROR(Path(m, begin, split));
      return Emit(split, end);
    }
    MAMORI_RETURN_IF_ERROR(Path(m, split, end));
    return Emit(begin, split);
  }

  // RFC 6962 §2.1.2 SUBPROOF(m, D[begin:end], b), with m an absolute size.
  Status SubProof(uint64_t m, uint64_t begin, uint64_t end, bool b) {
    if (m == end) return b ? Status::Ok() : Emit(begin, end);
    const uint64_t split = begin + SplitPoint(end - begin);
    if (m <= split) {
      MAMORI_RETURN_IF_ERROR(SubProof(m, begin, split, b));
      return Emit(split, end);
    }
    MAMORI_RETURN_IF_ERROR(SubProof(m, split, end, false));
    return Emit(begin, split);
  }

  std::vector<Digest> Take() { return std::move(out_); }

 private:
  Status Emit(uint64_t begin, uint64_t end) {
    MAMORI_ASSIGN_OR_RETURN(Digest d, RangeHash(begin, end));
    out_.push_back(d);
    return Status::Ok();
  }

  const SubtreeFn& subtree_;
  TreeHasher hasher_;
  std::vector<Digest> out_;
};

Digest RootOfRange(std::span<const Digest> leaves, TreeHasher& hasher) {
  if (leaves.size() == 1) return leaves[0];
  const uint64_t k = SplitPoint(leaves.size());
  return hasher.Node(RootOfRange(leaves.first(k), hasher), RootOfRange(leaves.subspan(k), hasher));
}

TreeHasher& ThreadHasher() {
  static thread_local TreeHasher hasher;
  return hasher;
}

}  // namespace

Digest TreeHasher::Leaf(std::string_view data) {
  // An event is a few hundred bytes: copying it behind the prefix and making
  // one Update costs less than a second EVP call.
  char buf[1024];
  if (data.size() < sizeof buf) {
    buf[0] = 0x00;
    std::memcpy(buf + 1, data.data(), data.size());
    sha_.Update(std::string_view(buf, data.size() + 1));
  } else {
    sha_.Update(std::string_view("\x00", 1));
    sha_.Update(data);
  }
  return sha_.Finish();
}

Digest TreeHasher::Node(const Digest& left, const Digest& right) {
  // One Update of 65 bytes costs less than three small ones.
  char buf[1 + 2 * sizeof(Digest)];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), left.size());
  std::memcpy(buf + 1 + left.size(), right.data(), right.size());
  sha_.Update(std::string_view(buf, sizeof buf));
  return sha_.Finish();
}

Digest HashLeaf(std::string_view data) { return ThreadHasher().Leaf(data); }
Digest HashNode(const Digest& left, const Digest& right) {
  return ThreadHasher().Node(left, right);
}
Digest EmptyRoot() { return crypto::Sha256(""); }

Digest RootOfLeaves(std::span<const Digest> leaf_hashes) {
  if (leaf_hashes.empty()) return EmptyRoot();
  return RootOfRange(leaf_hashes, ThreadHasher());
}

Result<Digest> RootFromSubtrees(uint64_t size, const SubtreeFn& subtree) {
  if (size == 0) return EmptyRoot();
  return ProofBuilder(subtree).RangeHash(0, size);
}

Result<std::vector<Digest>> InclusionProof(uint64_t index, uint64_t size,
                                           const SubtreeFn& subtree) {
  if (index >= size) {
    return Fail(Status::InvalidArgument(
        "leaf " + std::to_string(index) + " is not in a tree of size " + std::to_string(size),
        "葉 " + std::to_string(index) + " はサイズ " + std::to_string(size) + " の木にありません"));
  }
  ProofBuilder b(subtree);
  MAMORI_RETURN_IF_ERROR(b.Path(index, 0, size));
  return b.Take();
}

Result<std::vector<Digest>> ConsistencyProof(uint64_t first, uint64_t second,
                                             const SubtreeFn& subtree) {
  if (first > second) {
    return Fail(Status::InvalidArgument("consistency proof from size " + std::to_string(first) +
                                            " to smaller size " + std::to_string(second),
                                        "一貫性証明の元のサイズ " + std::to_string(first) +
                                            " が後のサイズ " + std::to_string(second) +
                                            " より大きいです"));
  }
  if (first == 0 || first == second) return std::vector<Digest>{};
  ProofBuilder b(subtree);
  MAMORI_RETURN_IF_ERROR(b.SubProof(first, 0, second, true));
  return b.Take();
}

Result<Digest> RootFromInclusionProof(uint64_t index, uint64_t size, const Digest& leaf_hash,
                                      std::span<const Digest> proof) {
  if (index >= size) {
    return Fail(Status::InvalidArgument(
        "leaf " + std::to_string(index) + " is not in a tree of size " + std::to_string(size),
        "葉 " + std::to_string(index) + " はサイズ " + std::to_string(size) + " の木にありません"));
  }
  TreeHasher& h = ThreadHasher();
  uint64_t fn = index, sn = size - 1;
  Digest r = leaf_hash;
  for (const Digest& p : proof) {
    if (sn == 0) {
      return Fail(ProofMismatch("inclusion proof is too long", "包含証明が長すぎます"));
    }
    if ((fn & 1) || fn == sn) {
      r = h.Node(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = h.Node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Fail(ProofMismatch("inclusion proof is too short", "包含証明が短すぎます"));
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Digest& leaf_hash,
                       std::span<const Digest> proof, const Digest& root) {
  MAMORI_ASSIGN_OR_RETURN(Digest got, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (got != root) {
    return ProofMismatch("inclusion proof does not lead to the tree root",
                         "包含証明が木の根に一致しません");
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t first, uint64_t second, const Digest& first_root,
                         const Digest& second_root, std::span<const Digest> proof) {
  if (first > second) {
    return Status::InvalidArgument("consistency proof from a larger tree to a smaller one",
                                   "一貫性証明の元の木が後の木より大きいです");
  }
  if (first == second || first == 0) {
    const bool roots_ok = first == second ? first_root == second_root : first_root == EmptyRoot();
    if (!proof.empty() || !roots_ok) {
      return ProofMismatch("trivial consistency proof does not hold",
                           "自明な一貫性証明が成り立ちません");
    }
    return Status::Ok();
  }
  if (proof.empty()) {
    return ProofMismatch("consistency proof is empty", "一貫性証明が空です");
  }
  // RFC 9162 prepends first_root when first is a power of two; index instead of copying.
  const bool prepend = std::has_single_bit(first);
  const size_t n = proof.size() + (prepend ? 1 : 0);
  const auto at = [&](size_t i) -> const Digest& {
    return prepend ? (i == 0 ? first_root : proof[i - 1]) : proof[i];
  };
  TreeHasher& h = ThreadHasher();
  uint64_t fn = first - 1, sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Digest fr = at(0), sr = at(0);
  for (size_t i = 1; i < n; ++i) {
    const Digest& c = at(i);
    if (sn == 0) return ProofMismatch("consistency proof is too long", "一貫性証明が長すぎます");
    if ((fn & 1) || fn == sn) {
      fr = h.Node(c, fr);
      sr = h.Node(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = h.Node(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0 || fr != first_root || sr != second_root) {
    return ProofMismatch("consistency proof does not link the two tree roots",
                         "一貫性証明が二つの木の根を結び付けません");
  }
  return Status::Ok();
}

Digest Frontier::Root(TreeHasher& hasher) const {
  if (size_ == 0) return EmptyRoot();
  bool have = false;
  Digest r{};
  for (unsigned level = 0; level < 64; ++level) {
    if (!((size_ >> level) & 1)) continue;
    r = have ? hasher.Node(nodes_[level], r) : nodes_[level];
    have = true;
  }
  return r;
}

}  // namespace mamori::audit::merkle
