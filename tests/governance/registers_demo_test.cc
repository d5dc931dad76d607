// The walk-through of docs/GOVERNANCE.md "Registers" on the demo
// organisation of `make run` (api/demo_org_fixture.h): the same commands,
// as the same people, at the console of the store the server holds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/demo_org_fixture.h"

namespace mamori::api::testing {
namespace {

// The shell arrays of the walk-through.
const std::string kContractor =
    "--set name=株式会社給与計算サービス --set service=給与計算 --set department=soumu "
    "--set supervisor=tanaka_kacho --set handles=my_number,personal "
    "--set contract_start=2026-04-01 --set selection_criteria_met=true "
    "--set clause_supervision_audit=true --set clause_confidentiality=true "
    "--set clause_incident_reporting=true --set clause_return_disposal=true "
    "--set clause_damages_termination=true --set clause_safety_measures=true "
    "--set clause_staff_supervision=true --set subcontracting=prior_approval";
const std::string kCloud =
    "--set name=給与計算クラウド --set provider=国内クラウド株式会社 --set purpose=給与計算 "
    "--set ismap=listed --set ismap_registration=C21-0001-1 --set storage_country=JP "
    "--set storage_region=東京 --set disposal_method=crypto_erase --set responsible=tanaka_kacho "
    "--set handles=my_number --set security_requirements=通信と保存の暗号化 --set status=planned";

class RegistersDemoTest : public DemoOrgTest {
 protected:
  // `mamori ARGS` as USER; the JSON it printed (null when it printed none).
  nlohmann::json As(const std::string& args, const std::string& user, int expect = 0) {
    std::string out;
    const int rc = RunMamori(args + " --user " + user, kDemoChanged, &out);
    EXPECT_EQ(rc, expect) << args << "\n" << out;
    return nlohmann::json::parse(out, nullptr, false);
  }
};

TEST_F(RegistersDemoTest, TheWalkThroughOfTheGuide) {
  const std::string today = FormatDate(JstDate(NowMicros()));
  auto c = As("contractors create " + kContractor, "tanaka_kacho");
  EXPECT_EQ(c.value("id", ""), "CT00001");
  // A sub-contractor without its prior approval is refused.
  As("contractors create " + kContractor + " --set name=再委託先株式会社 --set parent=CT00001",
     "tanaka_kacho", 1);
  As("contractors check --id CT00001 --date " + today + " --result ok", "tanaka_kacho");

  auto cloud = As("cloud-services create " + kCloud, "soumu_kanri");
  EXPECT_EQ(cloud.value("id", ""), "CS00001");
  As("cloud-services change --id CS00001 --set status=in_use", "soumu_kanri", 1);
  As("cloud-services approve --id CS00001", "soumu_kanri", 1);  // not the chief officer
  As("cloud-services approve --id CS00001", "yamamoto_ciso");
  auto used = As("cloud-services change --id CS00001 --set status=in_use", "soumu_kanri");
  EXPECT_EQ(used["fields"].value("status", ""), "in_use");
  As("cloud-services change --id CS00001 --set status=planned --set storage_country=US",
     "soumu_kanri", 1);

  As("registers create --kind media --set type=usb --set label=SOUMU-USB-001 "
     "--set location=総務課金庫 --set custodian=tanaka_kacho --set department=soumu "
     "--set handles=personal --set encrypted=true",
     "tanaka_kacho");
  As("registers check --kind media --id MD00001 --date " + today + " --result present",
     "tanaka_kacho");
  auto overdue = As("registers list --kind media --overdue", "nakamura_kansa");
  EXPECT_EQ(overdue["entries"].size(), 0u);
  auto shown = As("registers show --kind media --id MD00001", "nakamura_kansa");
  ASSERT_EQ(shown["versions"].size(), 2u);
  EXPECT_EQ(shown["versions"][1]["action"], "check");
  // The auditor changes nothing.
  As("registers check --kind media --id MD00001 --date " + today + " --result present",
     "nakamura_kansa", 1);
}

}  // namespace
}  // namespace mamori::api::testing
