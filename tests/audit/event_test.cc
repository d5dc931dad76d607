#include "audit/event.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "audit/merkle.h"

namespace mamori::audit {
namespace {

Event Sample() {
  Event ev;
  ev.time = 1'790'000'000'123'456;  // 2026-09-21T14:13:20.123456Z
  ev.actor = "u-hanako";
  ev.terminal = "t-01";
  ev.purpose = "給与計算";
  ev.operation = "record.read";
  ev.dataset = "employees";
  ev.subject = "0a1b2c";
  ev.record = "r-42";
  ev.result = "refused";
  ev.code = "permission_denied";
  ev.reason = "purpose";
  ev.request_id = "req-7";
  ev.attrs = {{"fields", "my_number"}, {"bulk", "1"}};
  ev.seq = 17;
  ev.prev = std::string(64, 'f');
  return ev;
}

// One validator, below engine, identity and policy, that events carry
// identifiers only (docs/ARCHITECTURE.md decisions 1 and 4).
TEST(EventTest, EventsCarryIdentifiersOnly) {
  Event ev = Sample();
  ev.purpose = "payroll";
  ASSERT_TRUE(ValidateEvent(ev).ok());
  const auto field = [](const Event& e) { return ValidateEvent(e).subject(); };
  const std::string my_number = "123456789018";
  Event e = ev;
  e.purpose = "給与計算";  // text where an id belongs
  EXPECT_EQ(field(e), "purpose");
  e = ev;
  e.purpose = "個人番号" + my_number;
  EXPECT_EQ(field(e), "purpose");
  e = ev;
  e.purpose = my_number;  // id-shaped, but the shape of a My Number
  EXPECT_EQ(field(e), "purpose");
  e = ev;
  e.reason = "the name was 山田 太郎";
  EXPECT_EQ(field(e), "reason");
  e = ev;
  e.actor = "u hanako";
  EXPECT_EQ(field(e), "actor");
  e = ev;
  e.attrs["target"] = "x" + my_number;
  EXPECT_EQ(field(e), "attrs.target");
  e = ev;
  e.attrs["note"] = "free text";
  EXPECT_EQ(field(e), "attrs.note");
  e = ev;
  e.attrs["position"] = "係長 " + my_number;
  EXPECT_EQ(field(e), "attrs.position");
  // Organisation labels are text too: a position or a department can say
  // anything about a person ("山田太郎は病気療養中"), and the log is never
  // shredded. They are named by a keyed reference, or not at all.
  e = ev;
  e.attrs["position"] = "山田太郎は病気療養中";
  EXPECT_EQ(field(e), "attrs.position");
  e = ev;
  e.attrs["department"] = "総務部";
  EXPECT_EQ(field(e), "attrs.department");
  e = ev;
  e.attrs["target"] = "1234-5678-9018";  // separators do not hide it
  EXPECT_EQ(field(e), "attrs.target");
  e = ev;
  e.attrs["phone"] = "03-1234-5678";
  EXPECT_EQ(field(e), "attrs.phone");
  // What events do carry: ids, hex ids of any digits, JSON of ids.
  e = ev;
  e.record = "01234567890123456789012345678901";
  e.request_id = "0000000100000042";
  e.terminal = "cert:" + std::string(64, '1');  // hex ids may be all digits
  e.attrs["until"] = "2026-12-07T03:04:05.123456Z";
  e.attrs["fingerprint"] = std::string(64, '7');
  e.attrs["position_ref"] = std::string(32, '3');
  e.attrs["mask_scope"] = R"({"dataset":"payroll","field":"name"})";
  e.attrs["count"] = "1200";
  e.purpose = std::string(kUnregisteredPurpose);
  EXPECT_TRUE(ValidateEvent(e).ok()) << ValidateEvent(e).ToString();
  EXPECT_EQ(EventIdentifier("bad id"), "(invalid)");
  EXPECT_EQ(EventIdentifier("G00000001"), "G00000001");
}

TEST(EventTest, CanonicalJsonIsSortedCompactAndStable) {
  const std::string want =
      R"({"actor":"u-hanako","attrs":{"bulk":"1","fields":"my_number"},"code":"permission_denied",)"
      R"("dataset":"employees","operation":"record.read","prev":")" +
      std::string(64, 'f') +
      R"(","purpose":"給与計算","reason":"purpose","record":"r-42","request_id":"req-7",)"
      R"("result":"refused","seq":17,"subject":"0a1b2c","terminal":"t-01",)"
      R"("time":"2026-09-21T14:13:20.123456Z"})";
  EXPECT_EQ(CanonicalJson(Sample()), want);
  EXPECT_EQ(EventLeafHash(Sample()), merkle::HashLeaf(want));
}

TEST(EventTest, EmptyFieldsAreOmittedButSeqTimeAndResultStay) {
  Event ev;
  ev.operation = "session.login";
  ev.result = "ok";
  EXPECT_EQ(
      CanonicalJson(ev),
      R"({"operation":"session.login","result":"ok","seq":0,"time":"1970-01-01T00:00:00.000000Z"})");
}

TEST(EventTest, ParseRoundTrips) {
  const Event ev = Sample();
  auto back = ParseEvent(CanonicalJson(ev));
  ASSERT_TRUE(back.has_value()) << back.error().ToString();
  EXPECT_EQ(*back, ev);
  auto from_json = EventFromJson(EventToJson(ev));
  ASSERT_TRUE(from_json.has_value()) << from_json.error().ToString();
  EXPECT_EQ(*from_json, ev);
  // Our writer and nlohmann agree on the content (ours decides the bytes).
  EXPECT_EQ(nlohmann::json::parse(CanonicalJson(ev)), EventToJson(ev));
}

TEST(EventTest, ParseIsStrict) {
  EXPECT_EQ(ParseEvent("{").error().code(), Code::kDataLoss);
  EXPECT_EQ(ParseEvent("[]").error().code(), Code::kDataLoss);
  const auto bad = [](const std::string& json) {
    auto r = ParseEvent(json);
    return r.has_value() ? std::string("parsed") : r.error().subject();
  };
  const std::string base = R"("operation":"x","result":"ok","seq":1,"time":"2026-01-01T00:00:00Z")";
  EXPECT_EQ(bad("{" + base + R"(,"extra":"1"})"), "extra");
  EXPECT_EQ(bad(R"({"operation":"x","result":"ok","seq":-1,"time":"2026-01-01T00:00:00Z"})"),
            "seq");
  EXPECT_EQ(bad(R"({"operation":"x","result":"ok","seq":1,"time":"yesterday"})"), "time");
  EXPECT_EQ(bad("{" + base + R"(,"attrs":{"a":1}})"), "attrs");
  EXPECT_EQ(bad("{" + base + R"(,"actor":7})"), "actor");
  EXPECT_EQ(bad(R"({"operation":"x","result":"ok","time":"2026-01-01T00:00:00Z"})"), "seq");
  EXPECT_EQ(bad("{" + base + "}"), "parsed");
}

TEST(EventTest, ValidateNamesTheField) {
  Event ev = Sample();
  ev.purpose = "payroll";  // Sample's Japanese purpose is text, not an id
  EXPECT_TRUE(ValidateEvent(ev).ok());
  const auto field = [](const Event& e) { return ValidateEvent(e).subject(); };
  Event e = ev;
  e.operation.clear();
  EXPECT_EQ(field(e), "operation");
  e = ev;
  e.result = "maybe";
  EXPECT_EQ(field(e), "result");
  e = ev;
  e.subject = "山田太郎";  // a name where a keyed hash belongs
  EXPECT_EQ(field(e), "subject");
  e = ev;
  e.subject = "ABCDEF";
  EXPECT_EQ(field(e), "subject");
  e = ev;
  e.time = -1;
  EXPECT_EQ(field(e), "time");
}

TEST(EventTest, InvalidUtf8IsStoredReplaced) {
  Event ev = Sample();
  ev.reason = "bad\xFF";
  auto back = ParseEvent(CanonicalJson(ev));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->reason, "bad\xEF\xBF\xBD");
}

}  // namespace
}  // namespace mamori::audit
