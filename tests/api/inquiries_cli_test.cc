// mamori inquiries at the server's console, against the store the test's
// server holds: the same rules as /v1/inquiries (a real, audited logon;
// the system rights table; the approval layer's operator ≠ confirmer and
// department), and the directory's answer about the local operator that
// the continuous analysis relies on.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "api/inquiries_fixture.h"

namespace mamori::api::testing {
namespace {

// --- The analysis and the local operator --------------------------------

// The continuous analysis asks the directory about every actor of the log,
// the local operator ("os:…", who changed the dataset definitions above)
// included: that actor is in no department rather than an error that
// stops every round (a round at night found the local operator's changes
// off hours and failed on it).
TEST_F(InquiriesApiTest, TheDirectoryPutsTheLocalOperatorInNoDepartment) {
  auto dept = stack_->directory().DepartmentOf("os:tester");
  ASSERT_TRUE(dept.has_value()) << dept.error().ToString();
  EXPECT_EQ(*dept, "");
  auto known = stack_->directory().DepartmentOf("ito_ken");
  ASSERT_TRUE(known.has_value());
  EXPECT_EQ(*known, "融資部");
}

// --- mamori inquiries: the same rules at the server's console -----------

class InquiriesCliTest : public InquiriesApiTest {
 protected:
  // Runs the mamori binary with `args` as `user` (the demo password on
  // standard input); the exit code, stdout and stderr in *out.
  int Mamori(const std::string& args, const std::string& user, std::string* out,
             const std::string& password = kDemoChanged) {
    return RunMamori(args + (user.empty() ? "" : " --user " + user), password, out);
  }
  static nlohmann::json J(const std::string& out) {
    return nlohmann::json::parse(out, nullptr, false);
  }
};

TEST_F(InquiriesCliTest, PreApprovalAtTheConsoleWithEveryRefusal) {
  SetScheme("pre_approval");
  std::string out;
  const std::string apply = "inquiries apply --dataset loan_customer --record " +
                            records_["loan_customer"] + " --purpose credit_screening --consent " +
                            kConsent;
  ASSERT_EQ(Mamori(apply, "ito_ken", &out), 0) << out;
  const std::string id = J(out).value("id", "");
  EXPECT_EQ(J(out)["state"], "applied");
  EXPECT_EQ(J(out)["consent"], kConsent);
  // Without a consent reference: refused before anything is written.
  EXPECT_EQ(Mamori("inquiries apply --dataset loan_customer --record " + records_["loan_customer"] +
                       " --purpose credit_screening --consent ''",
                   "ito_ken", &out),
            1);
  EXPECT_NE(out.find("consent is required"), std::string::npos) << out;
  // The operator has no confirmer role: refused by the system rights table.
  EXPECT_EQ(Mamori("inquiries approve --id " + id, "ito_ken", &out), 1);
  EXPECT_NE(out.find("inquiry.confirm"), std::string::npos) << out;
  // The confirmer of 総務部 is of another department.
  EXPECT_EQ(Mamori("inquiries approve --id " + id, "tanaka_kacho", &out), 1);
  EXPECT_NE(out.find("of the operator's department"), std::string::npos) << out;
  // Not approved yet: the inquiry does not run.
  EXPECT_EQ(Mamori("inquiries run --id " + id, "ito_ken", &out), 1);
  EXPECT_NE(out.find("not approved yet"), std::string::npos) << out;
  ASSERT_EQ(Mamori("inquiries approve --id " + id, "kato_kacho", &out), 0) << out;
  EXPECT_EQ(J(out)["confirmer"], "kato_kacho");
  ASSERT_EQ(Mamori("inquiries run --id " + id, "ito_ken", &out), 0) << out;
  EXPECT_EQ(J(out)["state"], "answered");
  // The confirmer does not take the operator's answer.
  EXPECT_EQ(Mamori("inquiries answer --id " + id, "kato_kacho", &out), 1);
  ASSERT_EQ(Mamori("inquiries answer --id " + id, "ito_ken", &out), 0) << out;
  EXPECT_EQ(J(out)["answer"]["name"], "試験 二郎");
  // Each step is in the log under the person, from the console.
  for (const char* op : {"inquiry.apply", "inquiry.approve", "inquiry.run", "inquiry.answer"}) {
    bool ok = false;
    for (const auto& ev : EventsOf(op)) {
      ok |= ev.result == "ok" && ev.terminal.starts_with("local:") &&
            ev.attrs.contains("inquiry") && ev.attrs.at("inquiry") == id;
    }
    EXPECT_TRUE(ok) << op;
  }
  bool read = false;
  for (const auto& ev : EventsOf("record.get")) {
    read |= ev.actor == "ito_ken" && ev.result == "ok" && ev.terminal.starts_with("local:");
  }
  EXPECT_TRUE(read);
}

TEST_F(InquiriesCliTest, OneTimeNumberFromAFileNeverFromTheCommandLine) {
  SetScheme("one_time_number");
  std::string out;
  ASSERT_EQ(Mamori("inquiries apply --dataset loan_customer --record " + records_["loan_customer"] +
                       " --purpose credit_screening --consent " + kConsent,
                   "ito_ken", &out),
            0)
      << out;
  const std::string id = J(out).value("id", "");
  ASSERT_EQ(Mamori("inquiries issue-number --id " + id, "kato_kacho", &out), 0) << out;
  const std::string number = J(out).value("approval_number", "");
  ASSERT_EQ(number.size(), 8u) << out;
  const std::string file = dir_ / "number";
  {
    std::ofstream f(file);
    f << (number == "00000000" ? "00000001" : "00000000") << "\n";
  }
  // A wrong number: refused and counted.
  EXPECT_EQ(Mamori("inquiries run --id " + id + " --number-file " + file, "ito_ken", &out), 1);
  EXPECT_NE(out.find("not the one issued"), std::string::npos) << out;
  // Both from standard input: refused before the logon.
  EXPECT_EQ(Mamori("inquiries run --id " + id + " --number-file -", "ito_ken", &out), 1);
  EXPECT_NE(out.find("both come from standard input"), std::string::npos) << out;
  {
    std::ofstream f(file);
    f << number << "\n";
  }
  ASSERT_EQ(Mamori("inquiries run --id " + id + " --number-file " + file, "ito_ken", &out), 0)
      << out;
  EXPECT_EQ(J(out)["number_used"], true);
  EXPECT_EQ(J(out)["number_failures"], 1);
  EXPECT_FALSE(J(out).contains("approval_number"));
}

TEST_F(InquiriesCliTest, HeldAnswerAndBranchRequestsAtTheConsole) {
  SetScheme("held_answer");
  std::string out;
  // 総務部 asks head office (融資部) for an inquiry; the consent is the branch's.
  ASSERT_EQ(
      Mamori("inquiries request --dataset loan_customer --consent SJ-APP-9", "tanaka_kacho", &out),
      0)
      << out;
  const std::string request = J(out).value("id", "");
  EXPECT_EQ(J(out)["branch"], "総務部");
  ASSERT_EQ(Mamori("inquiries apply --dataset loan_customer --record " + records_["loan_customer"] +
                       " --purpose credit_screening --consent " + kConsent + " --branch-request " +
                       request,
                   "ito_ken", &out),
            0)
      << out;
  const std::string id = J(out).value("id", "");
  EXPECT_EQ(J(out)["state"], "held");
  EXPECT_EQ(J(out)["branch"], "総務部");
  EXPECT_EQ(Mamori("inquiries answer --id " + id, "ito_ken", &out), 1);
  EXPECT_NE(out.find("held until a confirmer releases it"), std::string::npos) << out;
  EXPECT_EQ(Mamori("inquiries release --id " + id, "tanaka_kacho", &out), 1);
  ASSERT_EQ(Mamori("inquiries release --id " + id, "kato_kacho", &out), 0) << out;
  ASSERT_EQ(Mamori("inquiries answer --id " + id, "ito_ken", &out), 0) << out;
  const std::string today = FormatDate(JstDate(NowMicros()));
  ASSERT_EQ(Mamori("inquiries reconcile --from " + today + " --to " + today, "kato_kacho", &out), 0)
      << out;
  EXPECT_EQ(J(out)["matches"], true);
  EXPECT_EQ(J(out)["requests"], 1);
  // A handler may not reconcile.
  EXPECT_EQ(Mamori("inquiries reconcile --from " + today + " --to " + today, "sato_hanako", &out),
            1);
  ASSERT_EQ(Mamori("inquiries list --dataset loan_customer", "kato_kacho", &out), 0) << out;
  ASSERT_EQ(J(out)["inquiries"].size(), 1u) << out;
  EXPECT_EQ(J(out)["inquiries"][0]["confirmer"], "kato_kacho");
}

}  // namespace
}  // namespace mamori::api::testing
