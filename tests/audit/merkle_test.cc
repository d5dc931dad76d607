#include "audit/merkle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/encoding.h"

namespace mamori::audit::merkle {
namespace {

Digest FromHex(std::string_view hex) {
  const auto raw = HexDecode(hex);
  Digest d{};
  EXPECT_TRUE(raw && raw->size() == d.size()) << hex;
  if (raw && raw->size() == d.size()) std::copy(raw->begin(), raw->end(), d.begin());
  return d;
}

// The RFC 6962 reference vectors of certificate-transparency and
// transparency-dev/merkle (proof/verify_test.go): eight leaves and the roots
// of the trees of their first 1..8.
const std::vector<std::string>& CtLeaves() {
  static const std::vector<std::string> leaves = {
      std::string(),
      std::string("\x00", 1),
      "\x10",
      "\x20\x21",
      "\x30\x31",
      "\x40\x41\x42\x43",
      "\x50\x51\x52\x53\x54\x55\x56\x57",
      "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
  return leaves;
}
const char* const kCtRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Digest> LeafHashes(const std::vector<std::string>& leaves) {
  std::vector<Digest> out;
  for (const auto& l : leaves) out.push_back(HashLeaf(l));
  return out;
}

// A SubtreeFn over leaf hashes in memory, computed the reference way.
SubtreeFn MemorySubtrees(const std::vector<Digest>& leaves, int* calls = nullptr) {
  return [&leaves, calls](unsigned level, uint64_t index) -> Result<Digest> {
    if (calls) ++*calls;
    const uint64_t first = index << level, n = uint64_t{1} << level;
    EXPECT_LE(first + n, leaves.size()) << "asked for an incomplete subtree";
    return RootOfLeaves(std::span(leaves).subspan(first, n));
  };
}

std::vector<Digest> Proof(std::initializer_list<const char*> hex) {
  std::vector<Digest> out;
  for (const char* h : hex) out.push_back(FromHex(h));
  return out;
}

TEST(MerkleTest, EmptyTreeAndReferenceRoots) {
  EXPECT_EQ(HexEncode(crypto::DigestView(EmptyRoot())),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const auto leaves = LeafHashes(CtLeaves());
  for (size_t n = 1; n <= leaves.size(); ++n) {
    const std::vector<Digest> prefix(leaves.begin(), leaves.begin() + n);
    EXPECT_EQ(RootOfLeaves(prefix), FromHex(kCtRoots[n - 1])) << n;
    auto from_subtrees = RootFromSubtrees(n, MemorySubtrees(prefix));
    ASSERT_TRUE(from_subtrees.has_value());
    EXPECT_EQ(*from_subtrees, FromHex(kCtRoots[n - 1])) << n;
  }
}

TEST(MerkleTest, ReferenceInclusionProofs) {
  const auto leaves = LeafHashes(CtLeaves());
  struct Case {
    uint64_t index, size;
    std::vector<Digest> proof;
  };
  const std::vector<Case> cases = {
      {0, 8,
       Proof({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {5, 8,
       Proof({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 3, Proof({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
      {1, 5,
       Proof({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {0, 1, {}},
  };
  for (const auto& c : cases) {
    const std::vector<Digest> prefix(leaves.begin(), leaves.begin() + c.size);
    auto got = InclusionProof(c.index, c.size, MemorySubtrees(prefix));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.proof) << c.index << "/" << c.size;
    EXPECT_TRUE(
        VerifyInclusion(c.index, c.size, leaves[c.index], c.proof, FromHex(kCtRoots[c.size - 1]))
            .ok());
  }
}

TEST(MerkleTest, ReferenceConsistencyProofs) {
  const auto leaves = LeafHashes(CtLeaves());
  struct Case {
    uint64_t first, second;
    std::vector<Digest> proof;
  };
  const std::vector<Case> cases = {
      {1, 1, {}},
      {1, 8,
       Proof({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
              "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
      {6, 8,
       Proof({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
              "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
      {2, 5,
       Proof({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
              "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
      {6, 7,
       Proof({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
              "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
              "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
  };
  for (const auto& c : cases) {
    const std::vector<Digest> prefix(leaves.begin(), leaves.begin() + c.second);
    auto got = ConsistencyProof(c.first, c.second, MemorySubtrees(prefix));
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.proof) << c.first << "->" << c.second;
    EXPECT_TRUE(VerifyConsistency(c.first, c.second, FromHex(kCtRoots[c.first - 1]),
                                  FromHex(kCtRoots[c.second - 1]), c.proof)
                    .ok());
  }
}

// Every way of spoiling a valid proof: RFC 9162's algorithms must refuse all.
std::vector<std::vector<Digest>> Spoiled(const std::vector<Digest>& proof, const Digest& junk) {
  std::vector<std::vector<Digest>> out;
  for (size_t i = 0; i < proof.size(); ++i) {
    auto p = proof;
    p[i][0] ^= 0x08;
    out.push_back(p);
  }
  if (!proof.empty()) {
    out.emplace_back(proof.begin(), proof.end() - 1);  // truncated
    out.emplace_back(proof.begin() + 1, proof.end());  // first element dropped
  }
  auto longer = proof;
  longer.push_back(junk);
  out.push_back(longer);
  auto preceded = proof;
  preceded.insert(preceded.begin(), junk);
  out.push_back(preceded);
  return out;
}

TEST(MerkleTest, ExhaustiveInclusionUpTo64) {
  std::vector<std::string> data;
  for (int i = 0; i < 64; ++i) data.push_back("leaf " + std::to_string(i));
  const auto all = LeafHashes(data);
  const Digest junk = HashLeaf("junk");
  for (uint64_t size = 1; size <= 64; ++size) {
    const std::vector<Digest> leaves(all.begin(), all.begin() + size);
    const Digest root = RootOfLeaves(leaves);
    for (uint64_t i = 0; i < size; ++i) {
      auto proof = InclusionProof(i, size, MemorySubtrees(leaves));
      ASSERT_TRUE(proof.has_value());
      ASSERT_TRUE(VerifyInclusion(i, size, leaves[i], *proof, root).ok()) << i << "/" << size;
      EXPECT_FALSE(VerifyInclusion(i, size, junk, *proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(i, size, leaves[i], *proof, junk).ok());
      if (size > 1) {
        EXPECT_FALSE(VerifyInclusion((i + 1) % size, size, leaves[i], *proof, root).ok());
      }
      // Wrong tree sizes, as the reference tests probe them. (A neighbouring
      // size may share the proof's shape: RFC 6962 roots do not bind the size,
      // which is why a head carries it and is signed.)
      EXPECT_FALSE(VerifyInclusion(i, size * 2, leaves[i], *proof, root).ok());
      if (size / 2 > i) {
        EXPECT_FALSE(VerifyInclusion(i, size / 2, leaves[i], *proof, root).ok());
      }
      for (const auto& bad : Spoiled(*proof, junk)) {
        EXPECT_FALSE(VerifyInclusion(i, size, leaves[i], bad, root).ok()) << i << "/" << size;
      }
    }
    EXPECT_EQ(InclusionProof(size, size, MemorySubtrees(leaves)).error().code(),
              Code::kInvalidArgument);
    EXPECT_EQ(VerifyInclusion(size, size, junk, {}, root).code(), Code::kInvalidArgument);
  }
}

TEST(MerkleTest, ExhaustiveConsistencyUpTo64) {
  std::vector<std::string> data;
  for (int i = 0; i < 64; ++i) data.push_back("leaf " + std::to_string(i));
  const auto all = LeafHashes(data);
  const Digest junk = HashLeaf("junk");
  std::vector<Digest> roots = {EmptyRoot()};
  for (size_t n = 1; n <= 64; ++n) roots.push_back(RootOfLeaves(std::span(all).first(n)));
  for (uint64_t second = 0; second <= 64; ++second) {
    const std::vector<Digest> leaves(all.begin(), all.begin() + second);
    for (uint64_t first = 0; first <= second; ++first) {
      auto proof = ConsistencyProof(first, second, MemorySubtrees(leaves));
      ASSERT_TRUE(proof.has_value());
      ASSERT_TRUE(VerifyConsistency(first, second, roots[first], roots[second], *proof).ok())
          << first << "->" << second;
      if (first == second) {
        EXPECT_TRUE(proof->empty());
        if (first > 0) {
          EXPECT_FALSE(VerifyConsistency(first, second, roots[first], junk, *proof).ok());
        }
        continue;
      }
      EXPECT_FALSE(VerifyConsistency(first, second, junk, roots[second], *proof).ok());
      if (first == 0) continue;  // the empty tree is a prefix of every tree
      EXPECT_FALSE(VerifyConsistency(first, second, roots[first], junk, *proof).ok());
      EXPECT_FALSE(VerifyConsistency(first, second, roots[second], roots[first], *proof).ok());
      EXPECT_FALSE(VerifyConsistency(first - 1, second, roots[first], roots[second], *proof).ok());
      if (first + 1 < second) {
        EXPECT_FALSE(
            VerifyConsistency(first + 1, second, roots[first], roots[second], *proof).ok());
      }
      EXPECT_FALSE(VerifyConsistency(first, second * 2, roots[first], roots[second], *proof).ok());
      if (second / 2 >= first) {
        EXPECT_FALSE(
            VerifyConsistency(first, second / 2, roots[first], roots[second], *proof).ok());
      }
      EXPECT_FALSE(VerifyConsistency(first, second, roots[first], roots[second], {}).ok());
      for (const auto& bad : Spoiled(*proof, junk)) {
        EXPECT_FALSE(VerifyConsistency(first, second, roots[first], roots[second], bad).ok())
            << first << "->" << second;
      }
    }
  }
  EXPECT_EQ(VerifyConsistency(2, 1, roots[2], roots[1], {}).code(), Code::kInvalidArgument);
  EXPECT_FALSE(VerifyConsistency(0, 3, junk, roots[3], {}).ok());
}

TEST(MerkleTest, FrontierMatchesReferenceAndReportsEveryCompletedSubtree) {
  std::vector<Digest> leaves;
  Frontier f;
  TreeHasher h;
  EXPECT_EQ(f.Root(h), EmptyRoot());
  for (int i = 0; i < 100; ++i) {
    leaves.push_back(HashLeaf('x' + std::to_string(i)));
    f.Push(leaves.back(), h, [&](unsigned level, uint64_t index, const Digest& d) {
      const uint64_t first = index << level, n = uint64_t{1} << level;
      EXPECT_EQ(first + n, leaves.size());  // completed by the leaf just pushed
      EXPECT_EQ(d, RootOfLeaves(std::span(leaves).subspan(first, n)));
    });
    EXPECT_EQ(f.size(), leaves.size());
    EXPECT_EQ(f.Root(h), RootOfLeaves(leaves));
  }
}

// Proofs for a huge tree touch O(log n) subtrees and never an incomplete one.
// The tree has identical leaves, so a subtree's hash depends on its level only.
TEST(MerkleTest, ProofsAskForLogarithmicallyManySubtrees) {
  const uint64_t size = (uint64_t{1} << 40) - 3;
  std::vector<Digest> by_level = {HashLeaf("same")};
  for (int l = 1; l <= 40; ++l) by_level.push_back(HashNode(by_level.back(), by_level.back()));
  int calls = 0;
  const SubtreeFn uniform = [&](unsigned level, uint64_t index) -> Result<Digest> {
    ++calls;
    EXPECT_LE((index + 1) << level, size);
    return by_level.at(level);
  };
  const Digest root = *RootFromSubtrees(size, uniform);
  for (uint64_t index : {uint64_t{0}, size / 3, size - 1}) {
    calls = 0;
    auto proof = InclusionProof(index, size, uniform);
    ASSERT_TRUE(proof.has_value());
    EXPECT_LE(calls, 2 * 41);
    EXPECT_TRUE(VerifyInclusion(index, size, by_level[0], *proof, root).ok());
  }
  const uint64_t first = size / 2 + 1;
  calls = 0;
  auto cproof = ConsistencyProof(first, size, uniform);
  ASSERT_TRUE(cproof.has_value());
  EXPECT_LE(calls, 4 * 41);
  EXPECT_TRUE(
      VerifyConsistency(first, size, *RootFromSubtrees(first, uniform), root, *cproof).ok());
}

TEST(MerkleTest, SubtreeErrorsPropagate) {
  const SubtreeFn failing = [](unsigned, uint64_t) -> Result<Digest> {
    return Fail(Status::IoError("disk"));
  };
  EXPECT_EQ(RootFromSubtrees(5, failing).error().code(), Code::kIoError);
  EXPECT_EQ(InclusionProof(1, 5, failing).error().code(), Code::kIoError);
  EXPECT_EQ(ConsistencyProof(3, 5, failing).error().code(), Code::kIoError);
}

}  // namespace
}  // namespace mamori::audit::merkle
