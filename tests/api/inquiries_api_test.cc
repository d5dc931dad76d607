// Two-person control of credit-information inquiries over HTTPS with the
// demo organisation's real logons, sessions and the real authoriser
// (demo_org_fixture.h): each of the four schemes of [003 VI(1)①] end to
// end, every refusal (operator = confirmer, a confirmer of another
// department or without the role, no consent reference, the held answer,
// wrong / reused / expired numbers, running before approval or as someone
// else), the daily inquiry list and its overdue finding across a closed
// day, and the reconciliation of head-office inquiries with branch
// requests [003 VI(1)②]. Each refusal changes nothing and is audited.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/csv.h"
#include "api/inquiries_fixture.h"

namespace mamori::api::testing {
namespace {

// --- The four schemes ---------------------------------------------------

TEST_F(InquiriesApiTest, PreApprovalTheConfirmerApprovesThenTheOperatorRuns) {
  SetScheme("pre_approval");
  const std::string id = Applied("ito_ken", "applied");
  auto approved = Step("kato_kacho", id, "approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.Json()["state"], "approved");
  EXPECT_EQ(approved.Json()["confirmer"], "kato_kacho");
  auto run = Step("ito_ken", id, "run");
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.Json()["state"], "answered");
  const uint64_t before = EventCount();
  auto answer = Answer("ito_ken", id);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["answer"]["name"], "試験 二郎");
  EXPECT_EQ(answer.Json()["inquiry"]["consent"], kConsent);
  // The answer is a read, audited as one, under the inquiry's purpose.
  bool read = false;
  for (const auto& ev : EventsSince(before)) {
    if (ev.operation == "record.get" && ev.actor == "ito_ken" && ev.result == "ok") {
      read = true;
      EXPECT_EQ(ev.purpose, "credit_screening");
      EXPECT_EQ(ev.record, records_["loan_customer"]);
    }
  }
  EXPECT_TRUE(read);
  for (const char* op : {"inquiry.apply", "inquiry.approve", "inquiry.run", "inquiry.answer"}) {
    auto events = EventsOf(op);
    ASSERT_EQ(events.size(), 1u) << op;
    EXPECT_EQ(events[0].result, "ok") << op;
    EXPECT_EQ(events[0].attrs["inquiry"], id) << op;
    EXPECT_EQ(events[0].attrs["consent"], kConsent) << op;
  }
}

TEST_F(InquiriesApiTest, OneTimeNumberIssuedToTheConfirmerIsEnteredByTheOperator) {
  SetScheme("one_time_number");
  const std::string id = Applied("ito_ken", "applied");
  const uint64_t before = EventCount();
  auto issued = Step("kato_kacho", id, "issue-number");
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string number = issued.Json().value("approval_number", "");
  ASSERT_EQ(number.size(), 8u);
  // Shown to the confirmer once: never in the inquiry, nor in the log.
  auto shown = Send(tokens_["ito_ken"], "GET", "/v1/inquiries/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.body.find(number), std::string::npos);
  EXPECT_FALSE(shown.Json().contains("number_hash"));
  EXPECT_FALSE(shown.Json().contains("approval_number"));
  auto run = Step("ito_ken", id, "run", {{"approval_number", number}});
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.Json()["state"], "answered");
  EXPECT_EQ(run.Json()["number_used"], true);
  EXPECT_EQ(LogTextSince(before).find(number), std::string::npos);
  EXPECT_EQ(Answer("ito_ken", id).status, 200);
}

TEST_F(InquiriesApiTest, HeldAnswerIsReleasedByTheConfirmer) {
  SetScheme("held_answer");
  const std::string id = Applied("ito_ken", "held");
  auto held = Answer("ito_ken", id);
  EXPECT_EQ(held.status, 403) << held.body;
  EXPECT_EQ(Subject(held), approval::kAnswerHeld);
  auto released = Step("kato_kacho", id, "release");
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(released.Json()["state"], "answered");
  auto answer = Answer("ito_ken", id);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.Json()["answer"]["name"], "試験 二郎");
  auto run = EventsOf("inquiry.run");
  ASSERT_EQ(run.size(), 1u);
  EXPECT_EQ(run[0].result, "ok");
}

TEST_F(InquiriesApiTest, DailyListRunsAtOnceAndTheListIsConfirmedByTheConfirmer) {
  SetScheme("daily_list");
  const std::string id = Applied("ito_ken", "answered");
  ASSERT_EQ(Answer("ito_ken", id).status, 200);
  auto cal = jp::BusinessCalendar();
  const int64_t day = analysis::ListDayOf(cal, analysis::JstDayNumber(NowMicros()));
  analysis::Monitor monitor(engine_->data_store(), stack_->directory());
  {
    auto round = monitor.Round(NowMicros());
    ASSERT_TRUE(round.has_value()) << round.error().ToString();
  }
  ASSERT_TRUE(
      monitor.Round(JstMidnight(CivilFromDays(day + 1)) + 3600 * kMicrosPerSecond).has_value());
  auto lists = Send(tokens_["kato_kacho"], "GET", "/v1/inquiries/lists?dataset=loan_customer");
  ASSERT_EQ(lists.status, 200) << lists.body;
  ASSERT_EQ(lists.Json()["lists"].size(), 1u) << lists.body;
  const nlohmann::json list = lists.Json()["lists"][0];
  EXPECT_EQ(list["kind"], "inquiry");
  EXPECT_EQ(list["inquiries"], 1);
  EXPECT_EQ(list["answers"], 1);
  EXPECT_EQ(list["answers_match"], true);
  EXPECT_EQ(list["subjects"][0]["record"], records_["loan_customer"]);
  EXPECT_EQ(list["confirmer"], "kato_kacho");
  // In Excel too, the list says what it counts.
  analysis::ListFilter inquiry_lists;
  inquiry_lists.kind = analysis::ListKind::kInquiry;
  auto stored = stack_->lists().List(inquiry_lists);
  ASSERT_TRUE(stored.has_value());
  EXPECT_NE(analysis::ListsCsv(*stored).find("照会リスト (inquiry list): 照会 1 件 / 回答 1 件"),
            std::string::npos);
  // The operator confirms nothing; the confirmer does.
  const std::string path = "/v1/lists/" + list["id"].get<std::string>() + "/confirm";
  EXPECT_EQ(Send(tokens_["ito_ken"], "POST", path, "").status, 403);
  auto confirmed = Send(tokens_["kato_kacho"], "POST", path, "");
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(confirmed.Json()["state"], "confirmed");
}

TEST_F(InquiriesApiTest, ADayWithoutInquiriesHasItsListToo) {
  SetScheme("daily_list");
  auto cal = jp::BusinessCalendar();
  const int64_t day = analysis::ListDayOf(cal, analysis::JstDayNumber(NowMicros()));
  analysis::Monitor monitor(engine_->data_store(), stack_->directory());
  {
    auto round = monitor.Round(NowMicros());
    ASSERT_TRUE(round.has_value()) << round.error().ToString();
  }
  ASSERT_TRUE(
      monitor.Round(JstMidnight(CivilFromDays(day + 1)) + 3600 * kMicrosPerSecond).has_value());
  auto lists = Send(tokens_["kato_kacho"], "GET", "/v1/inquiries/lists");
  ASSERT_EQ(lists.status, 200) << lists.body;
  ASSERT_EQ(lists.Json()["lists"].size(), 1u) << lists.body;
  EXPECT_EQ(lists.Json()["lists"][0]["inquiries"], 0);
  EXPECT_EQ(lists.Json()["lists"][0]["note"], "no inquiry about this dataset in the period");
}

// --- Operator ≠ confirmer, for every scheme -----------------------------

TEST_F(InquiriesApiTest, PreApprovalTheOperatorCannotApproveTheirOwn) {
  SetScheme("pre_approval");
  const std::string id = Applied("ryo", "applied");
  auto r = Step("ryo", id, "approve");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kConfirmerIsOperator);
  EXPECT_EQ(Show(id)["state"], "applied");
  ExpectRefusedEvent("inquiry.approve", std::string(approval::kConfirmerIsOperator));
  EXPECT_EQ(Step("ryo", id, "run").status, 403);  // still not approved
}

TEST_F(InquiriesApiTest, OneTimeNumberTheOperatorCannotIssueTheirOwn) {
  SetScheme("one_time_number");
  const std::string id = Applied("ryo", "applied");
  auto r = Step("ryo", id, "issue-number");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kConfirmerIsOperator);
  EXPECT_FALSE(r.Json().contains("approval_number"));
  EXPECT_EQ(Show(id)["state"], "applied");
  ExpectRefusedEvent("inquiry.issue_number", std::string(approval::kConfirmerIsOperator));
}

TEST_F(InquiriesApiTest, HeldAnswerTheOperatorCannotReleaseTheirOwn) {
  SetScheme("held_answer");
  const std::string id = Applied("ryo", "held");
  auto r = Step("ryo", id, "release");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kConfirmerIsOperator);
  EXPECT_EQ(Show(id)["state"], "held");
  ExpectRefusedEvent("inquiry.release", std::string(approval::kConfirmerIsOperator));
  EXPECT_EQ(Answer("ryo", id).status, 403);
}

TEST_F(InquiriesApiTest, DailyListTheOperatorCannotConfirmTheListOfTheirInquiries) {
  SetScheme("daily_list");
  Applied("ryo", "answered");
  auto cal = jp::BusinessCalendar();
  const int64_t day = analysis::ListDayOf(cal, analysis::JstDayNumber(NowMicros()));
  analysis::Monitor monitor(engine_->data_store(), stack_->directory());
  {
    auto round = monitor.Round(NowMicros());
    ASSERT_TRUE(round.has_value()) << round.error().ToString();
  }
  ASSERT_TRUE(
      monitor.Round(JstMidnight(CivilFromDays(day + 1)) + 3600 * kMicrosPerSecond).has_value());
  auto lists = Send(tokens_["ryo"], "GET", "/v1/inquiries/lists");
  ASSERT_EQ(lists.status, 200) << lists.body;
  ASSERT_EQ(lists.Json()["lists"].size(), 1u) << lists.body;
  const std::string list = lists.Json()["lists"][0]["id"];
  EXPECT_NE(lists.Json()["lists"][0]["confirmer"], "ryo");
  auto r = Send(tokens_["ryo"], "POST", "/v1/lists/" + list + "/confirm", "");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), analysis::kConfirmerAccessed);
  ExpectRefusedEvent("analysis.list.confirm", std::string(analysis::kConfirmerAccessed));
  auto after = Send(tokens_["kato_kacho"], "GET", "/v1/lists/" + list);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.Json()["state"], "pending");
}

// An inquiry list is the confirmer's ([003 VI(1)①] 確認者): a department
// officer of the dataset's department, who may confirm its access list,
// may not confirm its inquiry list.
TEST_F(InquiriesApiTest, AManagerWithoutTheConfirmerRoleCannotConfirmAnInquiryList) {
  SetScheme("daily_list");
  AddUser("yushi_bucho", {"department_officer"}, "", "融資部");
  tokens_["yushi_bucho"] = Login("yushi_bucho");
  Applied("ito_ken", "answered");
  auto cal = jp::BusinessCalendar();
  const int64_t day = analysis::ListDayOf(cal, analysis::JstDayNumber(NowMicros()));
  analysis::Monitor monitor(engine_->data_store(), stack_->directory());
  ASSERT_TRUE(monitor.Round(NowMicros()).has_value());
  ASSERT_TRUE(
      monitor.Round(JstMidnight(CivilFromDays(day + 1)) + 3600 * kMicrosPerSecond).has_value());
  auto lists = Send(tokens_["yushi_bucho"], "GET", "/v1/inquiries/lists?dataset=loan_customer");
  ASSERT_EQ(lists.status, 200) << lists.body;
  ASSERT_EQ(lists.Json()["lists"].size(), 1u) << lists.body;
  const std::string id = lists.Json()["lists"][0]["id"];
  auto r = Send(tokens_["yushi_bucho"], "POST", "/v1/lists/" + id + "/confirm", "");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), analysis::kNotConfirmer);
  ExpectRefusedEvent("analysis.list.confirm", std::string(analysis::kNotConfirmer));
  auto after = Send(tokens_["kato_kacho"], "GET", "/v1/lists/" + id);
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.Json()["state"], "pending");
}

// --- Who confirms -------------------------------------------------------

TEST_F(InquiriesApiTest, AConfirmerOfAnotherDepartmentIsRefused) {
  SetScheme("pre_approval");
  const std::string id = Applied("ito_ken", "applied");
  auto r = Step("shiten_kakunin", id, "approve");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kNotConfirmer);
  EXPECT_EQ(Show(id)["state"], "applied");
  ExpectRefusedEvent("inquiry.approve", std::string(approval::kNotConfirmer));
}

TEST_F(InquiriesApiTest, APersonWithoutTheConfirmerRoleIsRefusedBeforeTheStep) {
  SetScheme("pre_approval");
  const std::string id = Applied("ito_ken", "applied");
  // A colleague of the operator's department and a section manager of
  // another department without the confirmer role: the route's right
  // (inquiry.confirm) is the confirmer's.
  for (const char* who : {"yuka", "suzuki_bucho"}) {
    const uint64_t before = EventCount();
    auto r = Step(who, id, "approve");
    EXPECT_EQ(r.status, 403) << who << " " << r.body;
    bool audited = false;
    for (const auto& ev : EventsSince(before)) {
      audited = audited || (ev.actor == who && ev.result == "refused");
    }
    EXPECT_TRUE(audited) << who;
  }
  EXPECT_EQ(Show(id)["state"], "applied");
  EXPECT_TRUE(EventsOf("inquiry.approve").empty());
}

// --- The consent reference ---------------------------------------------

TEST_F(InquiriesApiTest, AnInquiryWithoutAConsentReferenceIsRefused) {
  SetScheme("daily_list");
  nlohmann::json missing = Draft();
  missing.erase("consent");
  auto r = Apply("ito_ken", missing);
  EXPECT_EQ(r.status, 400) << r.body;
  nlohmann::json empty = Draft();
  empty["consent"] = "";
  r = Apply("ito_ken", empty);
  EXPECT_EQ(r.status, 400) << r.body;
  ExpectRefusedEvent("inquiry.run", "consent");
  // A personal number where the reference belongs is refused, and kept
  // out of the log.
  nlohmann::json personal = Draft();
  personal["consent"] = engine::TestMyNumber(7);
  const uint64_t before = EventCount();
  r = Apply("ito_ken", personal);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(LogTextSince(before).find(engine::TestMyNumber(7)), std::string::npos);
  auto list = Send(tokens_["yamamoto_ciso"], "GET", "/v1/inquiries");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(list.Json()["inquiries"].empty());
}

TEST_F(InquiriesApiTest, ADatasetWithoutASchemeIsNoInquiryDataset) {
  SetScheme("");
  auto r = Apply("ito_ken", Draft());
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Subject(r), approval::kNotInquiryDataset);
  ExpectRefusedEvent("inquiry.apply", std::string(approval::kNotInquiryDataset));
}

// --- The held answer ----------------------------------------------------

TEST_F(InquiriesApiTest, NobodyButAConfirmerOfTheDepartmentReleasesAHeldAnswer) {
  SetScheme("held_answer");
  const std::string id = Applied("ito_ken", "held");
  EXPECT_EQ(Answer("ito_ken", id).status, 403);
  ExpectRefusedEvent("inquiry.answer", std::string(approval::kAnswerHeld));
  // The operator, a colleague and a manager have no inquiry.confirm right;
  // a confirmer of the branch is of another department.
  for (const char* who : {"ito_ken", "yuka", "suzuki_bucho"}) {
    EXPECT_EQ(Step(who, id, "release").status, 403) << who;
  }
  auto branch = Step("shiten_kakunin", id, "release");
  EXPECT_EQ(branch.status, 403) << branch.body;
  EXPECT_EQ(Subject(branch), approval::kNotConfirmer);
  // Another operator cannot take the answer either.
  auto other = Answer("yuka", id);
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(Subject(other), approval::kNotOperator);
  EXPECT_EQ(Show(id)["state"], "held");
  EXPECT_EQ(Show(id)["deliveries"], 0);
  // No read of the record happened for any of them.
  for (const auto& ev : EventsOf("record.get")) EXPECT_NE(ev.actor, "ito_ken");
}

// --- The one-time number ------------------------------------------------

TEST_F(InquiriesApiTest, AWrongNumberIsRefusedAndCountedAndAUsedOneIsNotGoodAgain) {
  SetScheme("one_time_number");
  const std::string id = Applied("ito_ken", "applied");
  auto none = Step("ito_ken", id, "run", {{"approval_number", "12345678"}});
  EXPECT_EQ(none.status, 403) << none.body;
  EXPECT_EQ(Subject(none), approval::kNoNumber);
  auto issued = Step("kato_kacho", id, "issue-number");
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string number = issued.Json()["approval_number"];
  const std::string wrong = number == "00000000" ? "00000001" : "00000000";
  auto r = Step("ito_ken", id, "run", {{"approval_number", wrong}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kWrongNumber);
  EXPECT_EQ(Show(id)["number_failures"], 1);
  EXPECT_EQ(Show(id)["state"], "number_issued");
  ExpectRefusedEvent("inquiry.run", std::string(approval::kWrongNumber));
  // The right number, by someone other than the operator: refused.
  auto other = Step("yuka", id, "run", {{"approval_number", number}});
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(Subject(other), approval::kNotOperator);
  ASSERT_EQ(Step("ito_ken", id, "run", {{"approval_number", number}}).status, 200);
  auto again = Step("ito_ken", id, "run", {{"approval_number", number}});
  EXPECT_EQ(again.status, 403) << again.body;
  EXPECT_EQ(Subject(again), approval::kNumberUsed);
  ExpectRefusedEvent("inquiry.run", std::string(approval::kNumberUsed));
}

TEST_F(InquiriesApiTest, ANumberIsVoidAfterTooManyWrongEntries) {
  SetScheme("one_time_number");
  const std::string id = Applied("ito_ken", "applied");
  auto issued = Step("kato_kacho", id, "issue-number");
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string number = issued.Json()["approval_number"];
  const std::string wrong = number == "00000000" ? "00000001" : "00000000";
  for (uint32_t i = 0; i < approval::kMaxNumberFailures; ++i) {
    EXPECT_EQ(Step("ito_ken", id, "run", {{"approval_number", wrong}}).status, 403);
  }
  auto r = Step("ito_ken", id, "run", {{"approval_number", number}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(Subject(r), approval::kNumberVoid);
  // A new number from the confirmer works.
  auto reissued = Step("kato_kacho", id, "issue-number");
  ASSERT_EQ(reissued.status, 200) << reissued.body;
  EXPECT_EQ(Step("ito_ken", id, "run",
                 {{"approval_number", reissued.Json()["approval_number"].get<std::string>()}})
                .status,
            200);
}

TEST_F(InquiriesApiTest, AnExpiredNumberIsRefused) {
  SetScheme("one_time_number");
  const std::string id = Applied("ito_ken", "applied");
  auto issued = Step("kato_kacho", id, "issue-number");
  ASSERT_EQ(issued.status, 200) << issued.body;
  const std::string number = issued.Json()["approval_number"];
  auto expires = ParseUtc(Show(id)["number_expires_at"].get<std::string>());
  ASSERT_TRUE(expires.has_value());
  // The operator enters it at the instant it expires (the service the
  // route calls, with the time given rather than waited for).
  auto r = stack_->inquiries().Run(InquiryCaller("ito_ken", *expires), id, number);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().subject(), approval::kNumberExpired);
  EXPECT_EQ(Show(id)["state"], "number_issued");
  ExpectRefusedEvent("inquiry.run", std::string(approval::kNumberExpired));
  // Just before, it is good.
  auto ok = stack_->inquiries().Run(InquiryCaller("ito_ken", *expires - 1), id, number);
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
}

// --- Pre-approval order -------------------------------------------------

TEST_F(InquiriesApiTest, PreApprovalCannotRunBeforeApprovalNorByAnotherPerson) {
  SetScheme("pre_approval");
  const std::string id = Applied("ito_ken", "applied");
  auto early = Step("ito_ken", id, "run");
  EXPECT_EQ(early.status, 403) << early.body;
  EXPECT_EQ(Subject(early), approval::kNotApproved);
  EXPECT_EQ(Answer("ito_ken", id).status, 409);  // nothing to answer yet
  ExpectRefusedEvent("inquiry.run", std::string(approval::kNotApproved));
  ASSERT_EQ(Step("kato_kacho", id, "approve").status, 200);
  auto other = Step("yuka", id, "run");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(Subject(other), approval::kNotOperator);
  EXPECT_EQ(Show(id)["state"], "approved");
  ExpectRefusedEvent("inquiry.run", std::string(approval::kNotOperator));
}

// --- The daily list overdue across a closed day -------------------------

TEST_F(InquiriesApiTest, AnInquiryListNotConfirmedByTheNextBusinessDayBecomesAFinding) {
  SetScheme("daily_list");
  // The business day after today's list day is closed (an organisation
  // holiday): the list is due the business day after it.
  const jp::BusinessCalendar plain;
  const int64_t day = analysis::ListDayOf(plain, analysis::JstDayNumber(NowMicros()));
  auto holiday = plain.NextBusinessDay(CivilFromDays(day), 1);
  ASSERT_TRUE(holiday.has_value());
  auto params = analysis::GetParameters(engine_->data_store());
  ASSERT_TRUE(params.has_value());
  params->closed.dates.push_back(*holiday);
  ASSERT_TRUE(analysis::SetParameters(engine_->data_store(), Local(), *params).ok());
  auto cal = analysis::CalendarOf(*params);
  ASSERT_TRUE(cal.has_value());
  auto due = analysis::ListDue(*cal, CivilFromDays(day));
  ASSERT_TRUE(due.has_value());
  EXPECT_GT(DaysFromCivil(*due), DaysFromCivil(*holiday));
  auto overdue = analysis::ListOverdueAt(*cal, *due);
  ASSERT_TRUE(overdue.has_value());

  Applied("ito_ken", "answered");
  analysis::Monitor monitor(engine_->data_store(), stack_->directory());
  {
    auto round = monitor.Round(NowMicros());
    ASSERT_TRUE(round.has_value()) << round.error().ToString();
  }
  // On the closed day and on the due day: pending, no finding.
  ASSERT_TRUE(monitor.Round(JstMidnight(*holiday) + 12 * 3600 * kMicrosPerSecond).has_value());
  ASSERT_TRUE(monitor.Round(*overdue - kMicrosPerSecond).has_value());
  auto lists = Send(tokens_["kato_kacho"], "GET", "/v1/inquiries/lists");
  ASSERT_EQ(lists.status, 200) << lists.body;
  ASSERT_EQ(lists.Json()["lists"].size(), 1u) << lists.body;
  const nlohmann::json list = lists.Json()["lists"][0];
  EXPECT_EQ(list["due"], FormatDate(*due));
  EXPECT_EQ(list["escalation"], "");
  // The overdue findings about this list (the access lists of the same
  // day become overdue too; they are not this test's).
  auto about_list = [&] {
    auto r = Send(tokens_["yamamoto_ciso"], "GET", "/v1/findings?rule=list_overdue");
    EXPECT_EQ(r.status, 200) << r.body;
    size_t n = 0;
    const nlohmann::json found = r.Json();  // the loop below must not range over a temporary
    for (const auto& f : found["findings"]) n += f["detail"] == list["id"] ? 1 : 0;
    return n;
  };
  EXPECT_EQ(about_list(), 0u);
  // The next business day begins: a finding.
  ASSERT_TRUE(monitor.Round(*overdue + 3600 * kMicrosPerSecond).has_value());
  EXPECT_EQ(about_list(), 1u);
  auto after = Send(tokens_["kato_kacho"], "GET", "/v1/lists/" + list["id"].get<std::string>());
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_NE(after.Json()["escalation"], "");
}

// --- Head-office inquiries on a branch's request ------------------------

TEST_F(InquiriesApiTest, ReconciliationReportsABranchWhoseRequestsAndInquiriesDiffer) {
  SetScheme("daily_list");
  std::vector<std::string> requests;
  for (int i = 0; i < 2; ++i) {
    auto r = Send(
        tokens_["shiten_tanto"], "POST", "/v1/inquiries/requests",
        nlohmann::json{{"dataset", "loan_customer"}, {"consent", "SJ-APP-" + std::to_string(i)}}
            .dump());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json()["branch"], "新宿支店");
    requests.push_back(r.Json()["id"]);
  }
  // A handler of a department does not register requests (the right is
  // the inquiry staff's and their managers'), and a request names no
  // personal data: nothing is registered for either.
  auto handler = Send(tokens_["sato_hanako"], "POST", "/v1/inquiries/requests",
                      nlohmann::json{{"dataset", "loan_customer"}, {"consent", "SM-1"}}.dump());
  EXPECT_EQ(handler.status, 403) << handler.body;
  auto personal = Send(
      tokens_["shiten_tanto"], "POST", "/v1/inquiries/requests",
      nlohmann::json{{"dataset", "loan_customer"}, {"consent", engine::TestMyNumber(3)}}.dump());
  EXPECT_EQ(personal.status, 400) << personal.body;
  EXPECT_EQ(Subject(personal), "consent");
  nlohmann::json on_request = Draft();
  on_request["branch_request"] = requests[0];
  auto q = Apply("ito_ken", on_request);
  ASSERT_EQ(q.status, 201) << q.body;
  EXPECT_EQ(q.Json()["branch"], "新宿支店");
  // The same request answers one inquiry only.
  auto twice = Apply("ito_ken", on_request);
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(Subject(twice), approval::kRequestUsed);

  const std::string today = FormatDate(JstDate(NowMicros()));
  auto rec = Send(tokens_["kato_kacho"], "GET",
                  "/v1/inquiries/reconciliation?from=" + today + "&to=" + today);
  ASSERT_EQ(rec.status, 200) << rec.body;
  const nlohmann::json j = rec.Json();
  EXPECT_EQ(j["matches"], false);
  ASSERT_EQ(j["branches"].size(), 1u) << rec.body;
  EXPECT_EQ(j["branches"][0]["branch"], "新宿支店");
  EXPECT_EQ(j["branches"][0]["requests"], 2);
  EXPECT_EQ(j["branches"][0]["inquiries"], 1);
  EXPECT_EQ(j["branches"][0]["matches"], false);
  EXPECT_EQ(j["branches"][0]["unanswered"], nlohmann::json::array({requests[1]}));
  // The branch sees the inquiry made on its request.
  auto seen =
      Send(tokens_["shiten_kakunin"], "GET", "/v1/inquiries/" + q.Json()["id"].get<std::string>());
  EXPECT_EQ(seen.status, 200) << seen.body;

  // The second request inquired on: the totals match.
  on_request["branch_request"] = requests[1];
  ASSERT_EQ(Apply("ito_ken", on_request).status, 201);
  rec = Send(tokens_["kato_kacho"], "GET",
             "/v1/inquiries/reconciliation?from=" + today + "&to=" + today);
  ASSERT_EQ(rec.status, 200) << rec.body;
  EXPECT_EQ(rec.Json()["matches"], true);
}

TEST_F(InquiriesApiTest, ADatasetDefinitionRefusesAnUnknownScheme) {
  nlohmann::json def = ReadDemoJson(kDemoSource + "/scripts/demo-data/loan_customer.json");
  def["inquiry_control"] = "trust_me";
  auto updated = engine_->UpdateDataset(Local(), def);
  ASSERT_FALSE(updated.has_value());
  EXPECT_EQ(updated.error().subject(), "inquiry_control");
}

}  // namespace
}  // namespace mamori::api::testing
