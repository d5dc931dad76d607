// A real SQLite store in a temporary directory and the evidence sources of
// the compliance report over it, for the governance tests that read and
// write the store directly.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "governance/compliance_evidence.h"
#include "store/sqlite/sqlite_storage.h"
#include "testing/temp_dir.h"

namespace mamori::governance {

class GovernanceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.path = dir_ / "gov.db";
    auto s = store::OpenSqliteStorage(o);
    ASSERT_TRUE(s.has_value()) << s.error().ToString();
    storage_ = std::move(*s);
    sources_.storage = storage_.get();
    sources_.now = NowMicros();
  }

  mamori::testing::TempDir dir_;
  std::unique_ptr<store::Storage> storage_;
  EvidenceSources sources_;
};

}  // namespace mamori::governance
