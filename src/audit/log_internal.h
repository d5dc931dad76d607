// Helpers shared by the log's translation units and the verifier; not part of
// the audit module's contract.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/head.h"
#include "audit/log.h"
#include "audit/merkle.h"
#include "core/status.h"
#include "crypto/hash.h"
#include "store/storage.h"

namespace mamori::audit::internal {

// 64 lower-case hex digits to a digest; nullopt for anything else.
std::optional<crypto::Digest> DigestFromHex(std::string_view hex);

std::string StateJson(const LogState& st);

// The stored subtree hash (level >= kStoredLevel); kDataLoss when missing or
// not 32 bytes.
Result<crypto::Digest> ReadStoredNode(store::ReadTxn& txn, unsigned level, uint64_t index);
// The hash of subtree (level, index) worked out from its 2^level events;
// kDataLoss when one of them is missing.
Result<crypto::Digest> HashEvents(store::ReadTxn& txn, unsigned level, uint64_t index);
// A SubtreeFn for the log in txn: stored hashes from kStoredLevel up, the
// edge of `state` (when given and it has one) for the rightmost subtrees of
// its size below that, events otherwise. Valid while txn and state are.
merkle::SubtreeFn NodeReader(store::ReadTxn& txn, const LogState* state = nullptr);

// Parses a stored signed head and checks it sits under its own size's key;
// kDataLoss otherwise.
Result<SignedTreeHead> ParseStoredHead(std::string_view key, std::string_view value);

}  // namespace mamori::audit::internal
