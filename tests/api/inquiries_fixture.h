// The fixture of the two-person inquiry control tests (inquiries_api_test.cc,
// inquiries_cli_test.cc): the demo organisation of demo_org_fixture.h over
// HTTPS with its real logons, sessions and authoriser, and beside it an
// operator of 融資部 who also holds the confirmer role, an operator without
// it, and a branch (新宿支店) with its own confirmer and an operator.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/lists.h"
#include "analysis/monitor.h"
#include "analysis/parameters.h"
#include "api/demo_org_fixture.h"
#include "approval/inquiries.h"

namespace mamori::api::testing {

inline constexpr char kConsent[] = "LA-2026-0001";

class InquiriesApiTest : public DemoOrgTest {
 protected:
  void SetUp() override {
    DemoOrgTest::SetUp();
    if (HasFatalFailure()) return;
    // Beside the demo organisation (融資部: ito_ken operator, kato_kacho
    // confirmer): an operator of 融資部 who also holds the confirmer role,
    // an operator without it, and a branch (新宿支店) with its own
    // confirmer and an operator who registers requests.
    AddUser("ryo", {"handler", "inquiry_operator", "confirmer"}, "kato_kacho", "融資部");
    AddUser("yuka", {"handler", "inquiry_operator"}, "kato_kacho", "融資部");
    AddUser("shiten_kakunin", {"section_manager", "confirmer"}, "", "新宿支店");
    AddUser("shiten_tanto", {"handler", "inquiry_operator"}, "shiten_kakunin", "新宿支店");
    for (const char* u : {"ryo", "yuka", "shiten_kakunin", "shiten_tanto"}) tokens_[u] = Login(u);
  }

  // "" for none: the dataset is then no inquiry dataset.
  void SetScheme(const std::string& scheme) {
    nlohmann::json def = ReadDemoJson(kDemoSource + "/scripts/demo-data/loan_customer.json");
    def.erase("inquiry_control");
    if (!scheme.empty()) def["inquiry_control"] = scheme;
    auto updated = engine_->UpdateDataset(Local(), def);
    ASSERT_TRUE(updated.has_value()) << updated.error().ToString();
  }

  nlohmann::json Draft() const {
    return {{"dataset", "loan_customer"},
            {"record", records_.at("loan_customer")},
            {"purpose", "credit_screening"},
            {"consent", kConsent}};
  }
  HttpResponse Apply(const std::string& who, const nlohmann::json& body) {
    return Send(tokens_[who], "POST", "/v1/inquiries", body.dump());
  }
  // An inquiry of `who`; its id.
  std::string Applied(const std::string& who, const std::string& expected_state) {
    auto r = Apply(who, Draft());
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json().value("state", ""), expected_state) << r.body;
    return r.Json().value("id", "");
  }
  HttpResponse Step(const std::string& who, const std::string& id, const std::string& verb,
                    const nlohmann::json& body = nullptr) {
    return Send(tokens_[who], "POST", "/v1/inquiries/" + id + "/" + verb,
                body.is_null() ? "" : body.dump());
  }
  HttpResponse Answer(const std::string& who, const std::string& id) {
    return Send(tokens_[who], "GET", "/v1/inquiries/" + id + "/answer");
  }
  nlohmann::json Show(const std::string& id) {
    auto r = Send(tokens_["yamamoto_ciso"], "GET", "/v1/inquiries/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  static std::string Subject(const HttpResponse& r) { return r.Json().value("subject", ""); }

  // The last event of `operation` was refused with `reason`.
  void ExpectRefusedEvent(const std::string& operation, const std::string& reason) {
    auto events = EventsOf(operation);
    ASSERT_FALSE(events.empty()) << operation;
    EXPECT_EQ(events.back().result, "refused") << operation;
    EXPECT_EQ(events.back().reason, reason) << operation;
  }

  approval::Caller InquiryCaller(const std::string& user, TimeMicros at) {
    const policy::Caller c = CallerOf(user);
    approval::Caller out;
    out.principal = c.principal;
    out.principal.terminal.id = kTerminalId;
    out.request_id = "req-test";
    out.time = at;
    return out;
  }
};

}  // namespace mamori::api::testing
