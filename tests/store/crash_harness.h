// Crash tests shared by the backends: writers Update in a loop, each Update
// writing two keys ("a/T/SEQ" and "b/T/SEQ"), and whatever was acknowledged
// must be found whole after the crash; no Update may be there by half.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "store/storage.h"

namespace mamori::store::test {

using Acked = std::set<std::pair<uint32_t, uint32_t>>;  // (thread, seq)
using OpenStore = std::function<Result<std::unique_ptr<Storage>>()>;

// Writer `thread`'s Update number `seq`.
Status CrashUpdate(Storage& store, uint32_t thread, uint32_t seq);

// Checks, in one View, that every acknowledged Update is present with its
// values and that the a/ and b/ halves of the store match key for key.
void ExpectAckedPresentAndWhole(Storage& store, const Acked& acked);

// Forks a child that opens the store with `open` and runs four writer
// threads until SIGKILLed, once at least 300 Updates were acknowledged;
// then opens the store again and checks ExpectAckedPresentAndWhole. The store
// must exist (created and closed) before the call: no connection crosses fork.
void ExpectSigkillLosesNoAcknowledgedUpdate(const OpenStore& open);

}  // namespace mamori::store::test
