// Self-inspection ([002 第34-36条]; [004 §7]; governance/self_inspection.h)
// over HTTPS with real logons and the real authoriser: the CISO line plans
// the year; each person answers the checklist generated from their roles,
// for themselves only; department and organisation summaries; the CISO's
// evaluation; improvement orders completed by the department's manager.
// Every refusal changes nothing and is audited.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/governance_fixture.h"
#include "governance/inspection_items.h"
#include "governance/ledger.h"
#include "governance/self_inspection.h"

namespace mamori::api::testing {
namespace {

class InspectionsApiTest : public GovernanceApiTest {
 protected:
  void SetUp() override {
    GovernanceApiTest::SetUp();
    AddUser("mgr1", {"section_manager"});
    AddUser("hana", {"handler"}, "mgr1");
    AddUser("mgr2", {"section_manager"}, "", "融資部");
    AddUser("ciso1", {"ciso"}, "", "情報セキュリティ室");
    AddUser("audit1", {"auditor"}, "", "監査室");
    StartStackServer();
  }
  std::string Planned() {
    auto r = Post("ciso1", "/v1/inspections", {{"year", governance::FiscalYear(Day(0))}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", "");
  }
  // Every item of `user`'s checklist answered `answer`, except `no_item` "no".
  nlohmann::json AllAnswered(const std::string& user, const std::string& id,
                             const std::string& no_item = "") {
    auto list = Get(user, "/v1/inspections/" + id + "/checklist");
    EXPECT_EQ(list.status, 200) << list.body;
    nlohmann::json answers = nlohmann::json::object();
    const nlohmann::json checklist = list.Json();
    for (const auto& i : checklist["items"]) {
      const std::string item = i["item"];
      answers[item] = item == no_item ? "no" : "yes";
    }
    return {{"answers", answers}};
  }
};

TEST_F(InspectionsApiTest, ChecklistsFollowTheRolesAndCiteTheCatalogue) {
  const std::string id = Planned();
  auto handler = Get("hana", "/v1/inspections/" + id + "/checklist");
  ASSERT_EQ(handler.status, 200) << handler.body;
  auto manager = Get("mgr1", "/v1/inspections/" + id + "/checklist");
  ASSERT_EQ(manager.status, 200) << manager.body;
  std::set<std::string> hana_items, mgr_items;
  const nlohmann::json hana_list = handler.Json(), mgr_list = manager.Json();
  for (const auto& i : hana_list["items"]) hana_items.insert(i["item"].get<std::string>());
  for (const auto& i : mgr_list["items"]) mgr_items.insert(i["item"].get<std::string>());
  EXPECT_TRUE(hana_items.contains("all-01"));
  EXPECT_TRUE(hana_items.contains("handler-01"));
  EXPECT_FALSE(hana_items.contains("manager-01"));
  EXPECT_TRUE(mgr_items.contains("manager-01"));
  EXPECT_FALSE(mgr_items.contains("handler-01"));
  const nlohmann::json first = handler.Json()["items"][0];
  EXPECT_EQ(first["source"], "002");
  EXPECT_FALSE(first["clause"].get<std::string>().empty());
  EXPECT_FALSE(first["question"].get<std::string>().empty());
}

TEST_F(InspectionsApiTest, OneYearFromPlanToClosed) {
  const std::string id = Planned();
  const std::string base = "/v1/inspections/" + id;
  EXPECT_EQ(id, "SI" + std::to_string(governance::FiscalYear(Day(0))));
  // One plan a year, by the CISO line.
  EXPECT_EQ(Post("ciso1", "/v1/inspections", {{"year", governance::FiscalYear(Day(0))}}).status,
            409);
  EXPECT_EQ(Post("mgr1", "/v1/inspections", {{"year", governance::FiscalYear(Day(0)) + 1}}).status,
            403);
  EXPECT_EQ(Post("ciso1", "/v1/inspections", {{"year", 1999}}).status, 400);

  // Answers: complete, one's own items only, yes / no / na.
  nlohmann::json partial = AllAnswered("hana", id);
  partial["answers"].erase("all-01");
  EXPECT_EQ(Post("hana", base + "/answers", partial).status, 400);
  nlohmann::json foreign = AllAnswered("hana", id);
  foreign["answers"]["manager-01"] = "yes";
  EXPECT_EQ(Post("hana", base + "/answers", foreign).status, 400);
  nlohmann::json odd = AllAnswered("hana", id);
  odd["answers"]["all-01"] = "maybe";
  EXPECT_EQ(Post("hana", base + "/answers", odd).status, 400);
  auto answered = Post("hana", base + "/answers", AllAnswered("hana", id, "handler-02"));
  ASSERT_EQ(answered.status, 200) << answered.body;
  ASSERT_EQ(Post("mgr1", base + "/answers", AllAnswered("mgr1", id)).status, 200);
  ASSERT_EQ(Post("mgr2", base + "/answers", AllAnswered("mgr2", id)).status, 200);

  // Summaries: department, organisation.
  EXPECT_EQ(Get("hana", base + "/summary").status, 403);
  auto summary = Get("audit1", base + "/summary");
  ASSERT_EQ(summary.status, 200) << summary.body;
  const nlohmann::json s = summary.Json();
  EXPECT_EQ(s["organisation"]["people"], 3);
  EXPECT_EQ(s["departments"]["総務部"]["people"], 2);
  EXPECT_EQ(s["departments"]["総務部"]["items_answered_no"], nlohmann::json::array({"handler-02"}));
  EXPECT_EQ(s["departments"]["融資部"]["items_answered_no"], nlohmann::json::array());
  EXPECT_EQ(s["organisation"]["items"]["all-01"]["yes"], 3);

  // Orders wait for the evaluation; the evaluation is the CISO line's.
  const nlohmann::json order = {{"department", "総務部"},
                                {"item", "handler-02"},
                                {"measure", "takeout.briefing"},
                                {"due", FormatDate(Day(30))}};
  EXPECT_EQ(Post("ciso1", base + "/orders", order).status, 409);
  EXPECT_EQ(Post("mgr1", base + "/evaluation", {{"rating", "needs_improvement"}}).status, 403);
  EXPECT_EQ(Post("audit1", base + "/evaluation", {{"rating", "needs_improvement"}}).status, 403);
  auto evaluated = Post("ciso1", base + "/evaluation", {{"rating", "needs_improvement"}});
  ASSERT_EQ(evaluated.status, 200) << evaluated.body;
  EXPECT_EQ(evaluated.Json()["state"], "evaluated");
  auto late = Post("hana", base + "/answers", AllAnswered("hana", id));
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(Subject(late), governance::kInspectionWrongState);

  nlohmann::json bad = order;
  bad["department"] = "監査室";  // did not answer
  EXPECT_EQ(Post("ciso1", base + "/orders", bad).status, 400);
  bad = order;
  bad["item"] = "nothing-99";
  EXPECT_EQ(Post("ciso1", base + "/orders", bad).status, 400);
  bad = order;
  bad["due"] = FormatDate(Day(-1));
  EXPECT_EQ(Post("ciso1", base + "/orders", bad).status, 400);
  auto ordered = Post("ciso1", base + "/orders", order);
  ASSERT_EQ(ordered.status, 201) << ordered.body;
  EXPECT_EQ(ordered.Json()["orders"][0]["id"], "O1");

  // Completed by a manager of the department, nobody else.
  auto other = Post("mgr2", base + "/orders/O1/complete");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(Subject(other), governance::kInspectionNotManager);
  EXPECT_EQ(Post("hana", base + "/orders/O1/complete").status, 403);
  EXPECT_EQ(Post("mgr1", base + "/orders/O9/complete").status, 404);
  auto done = Post("mgr1", base + "/orders/O1/complete");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json()["state"], "closed");
  EXPECT_EQ(Post("mgr1", base + "/orders/O1/complete").status, 409);

  // Done, then refused as done already: both audited.
  auto events = EventsOf("inspection.complete");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[events.size() - 2].result, "ok");
  EXPECT_EQ(events[events.size() - 2].actor, "mgr1");
  EXPECT_EQ(events.back().result, "refused");
  EXPECT_EQ(AttrOf(events.back(), "audit"), id);
  auto refused = EventsOf("inspection.answer");
  EXPECT_EQ(refused.back().result, "refused");
}

}  // namespace
}  // namespace mamori::api::testing
