#include "store/backend_calls.h"

namespace mamori::store::internal {

Status ClosedStore() {
  return Status::Unavailable("the store is closed", "データストアは閉じられています");
}

Status NoFunction(std::string_view what) {
  return Status::InvalidArgument(std::string(what) + " needs a function",
                                 std::string(what) + " に関数が指定されていません");
}

Status CalledFromUpdateFn(std::string_view what) {
  return Status::Internal(std::string(what) +
                              " was called from inside an Update function, which must not call "
                              "Update, View or Close",
                          "Update の関数の中から " + std::string(what) + " が呼ばれました");
}

}  // namespace mamori::store::internal
