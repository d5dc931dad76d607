// A real SIGKILL during a write loop: every acknowledged record survives and
// the audit log verifies afterwards.
#include "engine/engine_fixture.h"
#include "engine/kill_harness.h"

namespace mamori::engine {
namespace {

TEST_F(EngineTest, SigkillDuringWritesLosesNoAcknowledgedRecord) {
  CreateEmployees();
  engine_.reset();  // the child opens its own engine; no threads cross fork()
  const auto acknowledged = KillWhileWriting(
      paths_, TestContext(), 150,
      [](Engine& engine, uint64_t t, uint64_t i) -> Result<std::vector<std::string>> {
        MAMORI_ASSIGN_OR_RETURN(
            auto r, engine.Put(TestContext(), "employee_my_number",
                               {{"my_number", TestMyNumber(i * 2 + t)}, {"name", "障害 試験"}}));
        return std::vector<std::string>{r.id};
      });
  Reopen();
  for (const auto& id : acknowledged) {
    auto r = engine_->Get(TestContext(), "employee_my_number", id);
    EXPECT_TRUE(r.has_value()) << "acknowledged record lost: " << id;
  }
  EXPECT_GE(acknowledged.size(), 150u);
  const audit::VerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.reason;
}

}  // namespace
}  // namespace mamori::engine
