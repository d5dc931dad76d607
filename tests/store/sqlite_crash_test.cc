// Crash safety of the sqlite backend: a child process updates in a loop and
// reports each acknowledged Update; it is SIGKILLed at an arbitrary point and
// the store, reopened, must hold every acknowledged Update and no half of one.
#include <gtest/gtest.h>

#include "store/crash_harness.h"
#include "store/sqlite/sqlite_storage.h"
#include "store/temp_dir.h"

namespace mamori::store::test {
namespace {

TEST(SqliteCrashTest, SigkillLosesNoAcknowledgedUpdate) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  SqliteOptions options;
  options.path = dir.File("store.db");
  {
    // Created and closed before fork, so that no connection crosses it.
    auto created = OpenSqliteStorage(options);
    ASSERT_TRUE(created) << created.error().ToString();
  }
  ExpectSigkillLosesNoAcknowledgedUpdate([&] { return OpenSqliteStorage(options); });
}

}  // namespace
}  // namespace mamori::store::test
