#include "store/store_copy.h"

#include <utility>
#include <vector>

namespace mamori::store {
namespace {

// Rows and bytes per Update of the copy: large enough that commits are few,
// small enough that one transaction stays a few megabytes.
constexpr size_t kBatchRows = 1000;
constexpr size_t kBatchBytes = size_t{4} << 20;

void HashLength(crypto::Sha256Hasher& h, uint64_t n) {
  char be[8];
  for (int i = 7; i >= 0; --i, n >>= 8) be[i] = static_cast<char>(n & 0xff);
  h.Update(std::string_view(be, sizeof be));
}

struct Summer {
  crypto::Sha256Hasher hasher;
  StoreDigest digest;
  void Add(std::string_view key, std::string_view value) {
    HashLength(hasher, key.size());
    hasher.Update(key);
    HashLength(hasher, value.size());
    hasher.Update(value);
    ++digest.rows;
    digest.bytes += key.size() + value.size();
  }
  StoreDigest Finish() {
    digest.sha256 = hasher.Finish();
    return digest;
  }
};

}  // namespace

Result<StoreDigest> DigestOf(Storage& store) {
  Summer sum;
  MAMORI_RETURN_IF_ERROR(store.View([&](ReadTxn& txn) {
    return txn.ScanEach("", "", [&](std::string_view k, std::string_view v) -> Result<bool> {
      sum.Add(k, v);
      return true;
    });
  }));
  return sum.Finish();
}

Result<StoreDigest> CopyStore(Storage& from, Storage& to) {
  bool empty = true;
  MAMORI_RETURN_IF_ERROR(to.View([&](ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto any, txn.Scan("", "", 1));
    empty = any.empty();
    return Status::Ok();
  }));
  if (!empty) {
    return Fail(Status::FailedPrecondition(
        "the target store is not empty: a copy goes into an empty store only",
        "コピー先のストアが空ではありません。空のストアにのみコピーできます", "to"));
  }
  Summer sum;
  std::vector<KeyValue> batch;
  size_t batch_bytes = 0;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    MAMORI_RETURN_IF_ERROR(to.Update([&](WriteTxn& txn) -> Status {
      for (const KeyValue& kv : batch) MAMORI_RETURN_IF_ERROR(txn.Put(kv.key, kv.value));
      return Status::Ok();
    }));
    batch.clear();
    batch_bytes = 0;
    return Status::Ok();
  };
  // One View over the source, so the copy is one snapshot of it; writing to
  // another store from inside it is allowed.
  MAMORI_RETURN_IF_ERROR(from.View([&](ReadTxn& txn) {
    return txn.ScanEach("", "", [&](std::string_view k, std::string_view v) -> Result<bool> {
      sum.Add(k, v);
      batch.push_back({std::string(k), std::string(v)});
      batch_bytes += k.size() + v.size();
      if (batch.size() >= kBatchRows || batch_bytes >= kBatchBytes) MAMORI_RETURN_IF_ERROR(flush());
      return true;
    });
  }));
  MAMORI_RETURN_IF_ERROR(flush());
  const StoreDigest source = sum.Finish();
  MAMORI_ASSIGN_OR_RETURN(StoreDigest copied, DigestOf(to));
  if (!(copied == source)) {
    return Fail(Status::DataLoss("the copy read back differs from the source store",
                                 "コピー先を読み返した内容がコピー元と一致しません", "to"));
  }
  return source;
}

}  // namespace mamori::store
