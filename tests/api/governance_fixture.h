// The real server (stack_fixture.h) for the organisation's own cycles
// (src/governance): days relative to today in JST, requests as a named
// person, and the checks every refusal gets (its subject, its audit event).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/stack_fixture.h"

namespace mamori::api::testing {

class GovernanceApiTest : public StackApiTest {
 protected:
  // Today (JST) plus `plus` days.
  static CivilDate Day(int plus) {
    return CivilFromDays(DaysFromCivil(JstDate(NowMicros())) + plus);
  }
  static std::string Subject(const HttpResponse& r) { return r.Json().value("subject", ""); }
  // The last event of `operation`: refused, with `reason`.
  void ExpectRefused(const std::string& operation, std::string_view reason) {
    auto events = EventsOf(operation);
    ASSERT_FALSE(events.empty()) << operation;
    EXPECT_EQ(events.back().result, "refused");
    EXPECT_EQ(events.back().reason, reason);
  }
  // One request as `user`, logged on for it.
  HttpResponse Post(const std::string& user, const std::string& target,
                    const nlohmann::json& body = nlohmann::json::object()) {
    return Send(Login(user), "POST", target, body.dump());
  }
  HttpResponse Get(const std::string& user, const std::string& target) {
    return Send(Login(user), "GET", target);
  }
};

}  // namespace mamori::api::testing
