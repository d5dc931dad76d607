// Internal to the backends: the checks and answers every Storage backend
// gives alike around a caller's function, so that the sqlite and postgres
// backends say the same thing in the same case.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::store::internal {

// kUnavailable: the store was closed.
Status ClosedStore();

// kInvalidArgument: `what` (Update, View, ...) was given no function.
Status NoFunction(std::string_view what);

// kInternal: `what` was called from inside an Update function, which would
// deadlock waiting for the batch it runs in.
Status CalledFromUpdateFn(std::string_view what);

// Runs a caller's function on a backend's transaction handle. An exception
// becomes kInternal (nothing may escape into a shared batch, and what() is
// not quoted: it may carry anything), and an error the function dropped
// (txn.first_error()) is returned anyway: fail closed, a lost audit write
// must not let its operation commit.
template <class Fn, class Txn>
Status RunFn(Fn& fn, Txn& txn) {
  Status status;
  try {
    status = fn(txn);
  } catch (...) {
    return Status::Internal("a storage function threw an exception; its writes were not applied",
                            "ストレージの関数が例外を送出しました。書き込みは反映されていません");
  }
  if (status.ok() && !txn.first_error().ok()) return txn.first_error();
  return status;
}

}  // namespace mamori::store::internal
