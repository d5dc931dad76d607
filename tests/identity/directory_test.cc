// Users, positions, roles, disabling, the policy store: each change audited,
// personal values sealed, refusals recorded and harmless.
#include <fstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "identity/keyspace.h"
#include "identity_fixture.h"

namespace mamori::identity {
namespace {

class DirectoryTest : public IdentityTest {
 protected:
  NewUser Tanaka() {
    NewUser nu;
    nu.id = "tanaka.h01";
    nu.display_name = "Hiroshi Tanaka";
    nu.department = "総務部";
    nu.positions = {"総務課長"};
    nu.roles = {"handler", "section_manager"};
    nu.birth_date = "1985-07-23";
    nu.phone = "090-1234-5678";
    return nu;
  }
};

TEST_F(DirectoryTest, CreateSealsPersonalValuesAndAudits) {
  ASSERT_TRUE(dir().CreateUser(Admin(), Tanaka(), kGoodPassword).ok());
  auto u = dir().GetUser("tanaka.h01");
  ASSERT_TRUE(u.has_value()) << u.error().ToString();
  EXPECT_EQ(u->display_name, "Hiroshi Tanaka");
  EXPECT_EQ(u->roles, (std::vector<std::string>{"handler", "section_manager"}));
  EXPECT_TRUE(u->must_change_password);
  ASSERT_EQ(u->password_history.size(), 1u);
  EXPECT_TRUE(u->password_history[0].starts_with("$argon2id$"));
  EXPECT_FALSE(u->birth_date_sealed.empty());

  // On disk: no birth date, no phone, no password in clear.
  const std::string raw = Raw(keyspace::User("tanaka.h01"));
  ASSERT_FALSE(raw.empty());
  for (const char* secret : {"1985-07-23", "19850723", "090-1234-5678", "5678", kGoodPassword}) {
    EXPECT_EQ(raw.find(secret), std::string::npos) << secret;
  }
  // The public form leaves out hashes and ciphertexts.
  const std::string pub = UserPublicJson(*u).dump();
  EXPECT_EQ(pub.find("argon2"), std::string::npos);
  EXPECT_EQ(pub.find(u->birth_date_sealed), std::string::npos);

  const audit::Event ev = LastEvent("identity.user_create");
  EXPECT_EQ(ev.result, "ok");
  EXPECT_EQ(ev.actor, "admin1");
  EXPECT_EQ(ev.terminal, "t-admin");
  EXPECT_EQ(ev.attrs.at("target"), "tanaka.h01");
}

TEST_F(DirectoryTest, RefusalsChangeNothingAndAreAudited) {
  NewUser bad = Tanaka();
  bad.id = "Tanaka H";
  Status s = dir().CreateUser(Admin(), bad, kGoodPassword);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(LastEvent("identity.user_create").attrs.at("target"), "(invalid)");

  bad = Tanaka();
  bad.roles = {"superuser"};
  EXPECT_EQ(dir().CreateUser(Admin(), bad, kGoodPassword).subject(), "role");

  bad = Tanaka();
  bad.manager = "nobody";
  EXPECT_EQ(dir().CreateUser(Admin(), bad, kGoodPassword).code(), Code::kNotFound);

  bad = Tanaka();
  bad.birth_date = "1985-02-30";
  EXPECT_EQ(dir().CreateUser(Admin(), bad, kGoodPassword).subject(), "birth_date");

  // The initial password is held to the rules; the event names the rule.
  s = dir().CreateUser(Admin(), Tanaka(), "Tanaka#2024!xy");
  EXPECT_EQ(s.subject(), "password.contains_id");
  const audit::Event ev = LastEvent("identity.user_create");
  EXPECT_EQ(ev.result, "refused");
  EXPECT_EQ(ev.code, "invalid_argument");
  EXPECT_EQ(ev.reason, "password.contains_id");
  EXPECT_EQ(dir().GetUser("tanaka.h01").error().code(), Code::kNotFound);

  ASSERT_TRUE(dir().CreateUser(Admin(), Tanaka(), kGoodPassword).ok());
  EXPECT_EQ(dir().CreateUser(Admin(), Tanaka(), kOtherPassword).code(), Code::kAlreadyExists);
  EXPECT_EQ(Events("identity.user_create").size(), 7u);
  EXPECT_TRUE(LogVerifies());
}

TEST_F(DirectoryTest, AHireDateAndKindAreKeptTogetherOrNotAtAll) {
  // Without them a user is valid, as every user stored before them is.
  ASSERT_TRUE(dir().CreateUser(Admin(), Tanaka(), kGoodPassword).ok());
  auto plain = dir().GetUser("tanaka.h01");
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(plain->hired.empty());
  EXPECT_TRUE(plain->hire_kind.empty());

  NewUser hire = Tanaka();
  hire.id = "shinsotsu.a01";
  hire.hired = "2026-04-01";
  hire.hire_kind = "new_graduate";
  ASSERT_TRUE(dir().CreateUser(Admin(), hire, kGoodPassword).ok());
  auto u = dir().GetUser("shinsotsu.a01");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->hired, "2026-04-01");
  EXPECT_EQ(u->hire_kind, "new_graduate");
  EXPECT_EQ(UserPublicJson(*u)["hire_kind"], "new_graduate");

  for (auto [hired, kind, subject] :
       {std::tuple{"2026-04-01", "", "hire_kind"}, std::tuple{"", "mid_career", "hired"},
        std::tuple{"2026-02-30", "mid_career", "hired"},
        std::tuple{"2026-04-01", "part_time", "hire_kind"}}) {
    NewUser bad = hire;
    bad.id = "bad.a01";
    bad.hired = hired;
    bad.hire_kind = kind;
    Status s = dir().CreateUser(Admin(), bad, kGoodPassword);
    EXPECT_EQ(s.subject(), subject) << hired << " " << kind;
    EXPECT_EQ(s.message().find("part_time"), std::string::npos) << "never quotes the input";
  }
  EXPECT_EQ(dir().GetUser("bad.a01").error().code(), Code::kNotFound);
}

TEST_F(DirectoryTest, PositionsAndRoles) {
  ASSERT_TRUE(dir().CreateUser(Admin(), Tanaka(), kGoodPassword).ok());
  auto added = dir().AddPosition(Admin(), "tanaka.h01", "人事課長");
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  EXPECT_EQ(added->reason, ReviewReason::kPositionChange);
  EXPECT_EQ(added->positions, (std::vector<std::string>{"総務課長", "人事課長"}));
  EXPECT_EQ(added->actor, "admin1");
  EXPECT_EQ(dir().AddPosition(Admin(), "tanaka.h01", "人事課長").error().code(),
            Code::kFailedPrecondition);
  auto removed = dir().RemovePosition(Admin(), "tanaka.h01", "総務課長");
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->positions, std::vector<std::string>{"人事課長"});

  EXPECT_TRUE(dir().AddRole(Admin(), "tanaka.h01", "auditor").ok());
  EXPECT_TRUE(dir().AddRole(Admin(), "tanaka.h01", "custom_payroll_clerk").ok());
  EXPECT_EQ(dir().AddRole(Admin(), "tanaka.h01", "auditor").code(), Code::kFailedPrecondition);
  EXPECT_EQ(dir().AddRole(Admin(), "tanaka.h01", "custom_").code(), Code::kInvalidArgument);
  EXPECT_TRUE(dir().RemoveRole(Admin(), "tanaka.h01", "handler").ok());
  EXPECT_EQ(dir().GetUser("tanaka.h01")->roles,
            (std::vector<std::string>{"section_manager", "auditor", "custom_payroll_clerk"}));
  EXPECT_EQ(LastEvent("identity.role_remove").attrs.at("role"), "handler");

  // Nobody changes their own roles.
  engine::Context self = Admin();
  self.actor = "tanaka.h01";
  Status s = dir().AddRole(self, "tanaka.h01", "admin");
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_EQ(s.subject(), "identity.self_change");
  EXPECT_EQ(LastEvent("identity.role_add").result, "refused");
  EXPECT_FALSE(dir().GetUser("tanaka.h01")->HasRole("admin"));
  EXPECT_EQ(dir().AddRole(Admin(), "nobody", "admin").code(), Code::kNotFound);
}

TEST_F(DirectoryTest, UpdateSignalsADepartmentChange) {
  ASSERT_TRUE(dir().CreateUser(Admin(), Tanaka(), kGoodPassword).ok());
  UserChanges name_only;
  name_only.display_name = "Hiroshi Tanaka-Sato";
  auto r = dir().UpdateUser(Admin(), "tanaka.h01", name_only);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value());

  UserChanges move;
  move.department = "人事部";
  move.phone = "";
  r = dir().UpdateUser(Admin(), "tanaka.h01", move);
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ((*r)->reason, ReviewReason::kDepartmentChange);
  EXPECT_EQ((*r)->department, "人事部");
  auto u = dir().GetUser("tanaka.h01");
  EXPECT_EQ(u->department, "人事部");
  EXPECT_TRUE(u->phone_sealed.empty());
  EXPECT_EQ(LastEvent("identity.user_update").attrs.at("changed"), "department,phone");

  UserChanges self_manager;
  self_manager.manager = "tanaka.h01";
  EXPECT_EQ(dir().UpdateUser(Admin(), "tanaka.h01", self_manager).error().subject(), "manager");
}

TEST_F(DirectoryTest, DisableForLeaveEndsSessionsAndAsksForAReview) {
  AddUser("suzuki");
  auto login = auth().Login(Req("suzuki", kGoodPassword));
  ASSERT_TRUE(login.has_value()) << login.error().ToString();

  auto trigger = dir().DisableUser(Admin(), "suzuki", DisableReason::kLeave);
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->reason, ReviewReason::kLeave);
  EXPECT_EQ(trigger->user_id, "suzuki");
  EXPECT_EQ(trigger->roles, std::vector<std::string>{"handler"});
  const audit::Event ev = LastEvent("identity.user_disable");
  EXPECT_EQ(ev.attrs.at("reason"), "leave");
  EXPECT_EQ(ev.attrs.at("sessions_ended"), "1");

  const Terminal t = Inside();
  auto touched = auth().Touch(login->token, &t, At(kT0 + kMinute));
  EXPECT_EQ(touched.error().subject(), "session.revoked");
  EXPECT_EQ(dir().DisableUser(Admin(), "suzuki", DisableReason::kLeave).error().code(),
            Code::kFailedPrecondition);
  ASSERT_TRUE(dir().EnableUser(Admin(), "suzuki").ok());
  EXPECT_TRUE(dir().GetUser("suzuki")->active());
  EXPECT_EQ(dir().EnableUser(Admin(), "suzuki").code(), Code::kFailedPrecondition);
}

TEST_F(DirectoryTest, ListUsers) {
  AddUser("a1");
  AddUser("b2");
  auto users = dir().ListUsers();
  ASSERT_TRUE(users.has_value());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].id, "a1");
  EXPECT_EQ((*users)[1].id, "b2");
}

TEST_F(DirectoryTest, PolicyIsDataValidatedAndAudited) {
  auto p = id_->GetPolicy();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(*p, IdentityPolicy{});
  EXPECT_EQ(p->min_length, 12u);
  EXPECT_EQ(p->lockout_threshold, 5u);
  EXPECT_EQ(p->totp_roles, (std::vector<std::string>{"admin", "ciso", "chief_officer"}));

  auto changed = PolicyFromJson(nlohmann::json{{"min_length", 14}, {"lockout_minutes", 0}}, *p);
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->min_length, 14u);
  EXPECT_EQ(changed->history, 5u);  // untouched members keep their value
  ASSERT_TRUE(id_->SetPolicy(Admin(), *changed).ok());
  EXPECT_EQ(id_->GetPolicy()->min_length, 14u);
  EXPECT_EQ(LastEvent("identity.policy_set").attrs.at("min_length"), "14");

  EXPECT_EQ(PolicyFromJson(nlohmann::json{{"min_length", 4}}).error().subject(),
            "policy.min_length");
  EXPECT_EQ(PolicyFromJson(nlohmann::json{{"colour", "red"}}).error().subject(), "policy.colour");
  EXPECT_EQ(PolicyFromJson(nlohmann::json{{"idle_timeout_minutes", -1}}).error().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(PolicyFromJson(nlohmann::json{{"totp_roles", {"root"}}}).error().subject(),
            "policy.totp_roles");

  IdentityPolicy bad = *changed;
  bad.session_lifetime_minutes = 5;  // shorter than the idle timeout
  Status s = id_->SetPolicy(Admin(), bad);
  EXPECT_EQ(s.subject(), "policy.session_lifetime_minutes");
  EXPECT_EQ(LastEvent("identity.policy_set").result, "refused");
  EXPECT_EQ(id_->GetPolicy()->session_lifetime_minutes, 480u);
}

TEST_F(DirectoryTest, PolicyLengthAppliesToNewPasswords) {
  IdentityPolicy p;
  p.min_length = 16;
  ASSERT_TRUE(id_->SetPolicy(Admin(), p).ok());
  NewUser nu;
  nu.id = "kato";
  nu.display_name = "Kato";
  EXPECT_EQ(dir().CreateUser(Admin(), nu, kGoodPassword).subject(), "password.too_short");
  EXPECT_TRUE(dir().CreateUser(Admin(), nu, "Vq7#kP2m!xLr9zWe").ok());
}

TEST_F(DirectoryTest, AnotherWordListCanBeConfigured) {
  { std::ofstream(dir_ / "words.txt") << "# site list\nvqkpmxlrz\n"; }
  IdentityOptions io;
  io.argon2 = {.time_cost = 1, .memory_kib = 64, .parallelism = 1};
  io.word_list_path = dir_ / "words.txt";
  auto custom = Directory::Open(engine_->data_store(), key_, io);
  ASSERT_TRUE(custom.has_value()) << custom.error().ToString();
  NewUser nu;
  nu.id = "ito";
  nu.display_name = "Ito";
  // "Sunshine" is not in this list; the configured word is.
  EXPECT_TRUE((*custom)->CreateUser(Admin(), nu, "Sunshine2024!").ok());
  nu.id = "ito2";
  EXPECT_EQ((*custom)->CreateUser(Admin(), nu, "Vq7#kP2m!xLr9z").subject(), "password.common_word");

  io.word_list_path = dir_ / "missing.txt";
  EXPECT_EQ(Directory::Open(engine_->data_store(), key_, io).error().code(), Code::kNotFound);
  EXPECT_EQ(Directory::Open(engine_->data_store(), crypto::SecretBytes("short"), {}).error().code(),
            Code::kInvalidArgument);
}

// A stored user record that does not parse: the error names the kind of
// record, its id and at most a byte offset, never the parser's message,
// which would quote the stored bytes (here a name and a number).
TEST_F(DirectoryTest, StoredUserThatDoesNotParseQuotesNoneOfItsBytes) {
  ASSERT_TRUE(dir().CreateUser(Admin(), Tanaka(), kGoodPassword).ok());
  const std::string secret = "山田太郎 123456789018";
  for (const std::string& stored :
       {"{\"display_name\": \"" + secret + "\" " + secret,  // syntax error
        "{\"id\": \"tanaka.h01\", \"display_name\": 123, \"x\": \"" + secret + "\"}",  // types
        "{\"" + secret + "\": 1}"}) {
    ASSERT_TRUE(engine_->data_store()
                    .Update([&](store::WriteTxn& txn) {
                      return txn.Put(keyspace::User("tanaka.h01"), stored);
                    })
                    .ok());
    auto u = dir().GetUser("tanaka.h01");
    ASSERT_FALSE(u.has_value());
    EXPECT_EQ(u.error().code(), Code::kDataLoss);
    EXPECT_NE(u.error().message().find("user record tanaka.h01"), std::string::npos)
        << u.error().message();
    for (const std::string& part : {std::string("山田"), std::string("123456789018")}) {
      EXPECT_EQ(u.error().ToString().find(part), std::string::npos) << u.error().ToString();
      EXPECT_EQ(u.error().message_ja().find(part), std::string::npos);
    }
  }
  auto syntax = UserFromJson("{\"a\": \"" + secret);
  ASSERT_FALSE(syntax.has_value());
  EXPECT_NE(syntax.error().message().find("byte"), std::string::npos) << syntax.error().message();
}

}  // namespace
}  // namespace mamori::identity
