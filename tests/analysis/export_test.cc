// The SIEM export received by a real syslog listener: rsyslog from Debian,
// started unprivileged in a temp dir with its own configuration and a TLS
// listener (imtcp with the OpenSSL stream driver, rsyslog-openssl). Every
// event and finding must arrive intact — the JSON after the header is the
// event as `mamori audit events` prints it, byte for byte — and a receiver
// whose certificate is not trusted gets nothing. Without rsyslogd and its
// OpenSSL driver the test fails: scripts/install-deps installs them.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "analysis/analysis_fixture.h"
#include "analysis/export.h"
#include "analysis/facts.h"
#include "analysis/run.h"

namespace mamori::analysis::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

class ExportTest : public AnalysisTest {
 protected:
  void SetUp() override {
    AnalysisTest::SetUp();
    rs_ = dir_ / "rsyslog";
    const std::string mkpki =
        "set -e; mkdir -p '" + rs_ + "/work'; cd '" + rs_ + "'; " +
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
        "-out ca.crt -subj /CN=siem-ca -days 2; "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key "
        "-out other.crt -subj /CN=other-ca -days 2; "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key "
        "-out server.csr -subj /CN=127.0.0.1; "
        "printf 'subjectAltName=IP:127.0.0.1\\n' > ext; "
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile ext";
    ASSERT_EQ(std::system(("(" + mkpki + ") >/dev/null 2>&1").c_str()), 0);
    ASSERT_EQ(std::system("command -v rsyslogd >/dev/null && "
                          "ls /usr/lib/*/rsyslog/lmnsd_ossl.so >/dev/null 2>&1"),
              0)
        << "rsyslogd with its OpenSSL driver (rsyslog, rsyslog-openssl) is needed: "
           "scripts/install-deps installs them";
    port_ = FreePort();
    std::ofstream(rs_ + "/rsyslog.conf")
        << "global(workDirectory=\"" << rs_ << "/work\" maxMessageSize=\"64k\"\n"
        << "  DefaultNetstreamDriver=\"ossl\" DefaultNetstreamDriverCAFile=\"" << rs_
        << "/ca.crt\"\n  DefaultNetstreamDriverCertFile=\"" << rs_
        << "/server.crt\" DefaultNetstreamDriverKeyFile=\"" << rs_ << "/server.key\")\n"
        << "module(load=\"imtcp\" StreamDriver.Name=\"ossl\" StreamDriver.Mode=\"1\" "
           "StreamDriver.AuthMode=\"anon\")\n"
        << "input(type=\"imtcp\" port=\"" << port_ << "\" address=\"127.0.0.1\")\n"
        << "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
        << "action(type=\"omfile\" file=\"" << rs_ << "/received.log\" template=\"raw\")\n";
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      const std::string conf = rs_ + "/rsyslog.conf", pidfile = rs_ + "/rsyslogd.pid";
      // Its own complaints (the readiness probe is plain TCP) go to a file.
      const int log = open((rs_ + "/rsyslogd.stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (log >= 0) dup2(log, 2);
      execlp("rsyslogd", "rsyslogd", "-n", "-f", conf.c_str(), "-i", pidfile.c_str(), nullptr);
      _exit(127);
    }
    // Listening once a TCP connection is accepted.
    for (int i = 0; i < 100 && !Listening(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(Listening()) << "rsyslogd did not start";
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    AnalysisTest::TearDown();
  }

  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
  }
  bool Listening() const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    return ok;
  }

  SyslogTlsOptions Tls(const std::string& ca = "ca.crt") const {
    SyslogTlsOptions o;
    o.url = "tls://127.0.0.1:" + std::to_string(port_);
    o.ca_file = rs_ + "/" + ca;
    return o;
  }

  // The received lines, once there are `n` (rsyslog writes asynchronously).
  std::vector<std::string> Received(size_t n) {
    std::vector<std::string> lines;
    for (int i = 0; i < 200; ++i) {
      lines = Lines(Slurp(rs_ + "/received.log"));
      if (lines.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return lines;
  }

  std::string rs_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// The JSON of a received message: what follows the structured data and BOM.
std::string Body(const std::string& line) {
  const size_t bom = line.find("\xEF\xBB\xBF");
  return bom == std::string::npos ? "" : line.substr(bom + 3);
}

TEST_F(ExportTest, EveryEventAndFindingArrivesIntact) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst({2025, 1, 13}, 23, 40));  // 成人の日: a finding
  RoundAt(*m, Jst({2025, 1, 14}, 9, 0));
  ASSERT_EQ(AllFindings(Rule::kOffHours).size(), 1u);

  auto sink = SyslogSink(Tls(), {});
  auto st = ExportLog(engine_->data_store(), *sink, {}, At(Jst({2025, 1, 14}, 9, 5)));
  ASSERT_TRUE(st.has_value()) << st.error().ToString();
  sink.reset();  // close_notify: everything sent is the receiver's
  const auto findings = AllFindings();
  EXPECT_EQ(st->findings, findings.size());
  const auto lines = Received(st->events + st->findings);
  ASSERT_EQ(lines.size(), st->events + st->findings);

  size_t events = 0, found = 0;
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(Body(line), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (line.find(" audit [mamori@32473 seq=\"") != std::string::npos) {
      const uint64_t seq = j["seq"];
      std::optional<audit::Event> ev;
      ASSERT_TRUE(engine_->data_store()
                      .View([&](store::ReadTxn& txn) -> Status {
                        MAMORI_ASSIGN_OR_RETURN(ev, audit::ReadEvent(txn, seq));
                        return Status::Ok();
                      })
                      .ok());
      ASSERT_TRUE(ev.has_value());
      EXPECT_EQ(Body(line), audit::EventToJson(*ev).dump()) << "event " << seq;
      EXPECT_TRUE(line.starts_with(ev->result == "ok" ? "<110>1 " : "<108>1 ")) << line;
      EXPECT_EQ(seq, events);  // in log order, none missing
      ++events;
    } else {
      ASSERT_NE(line.find(" finding [mamori@32473 finding=\"F"), std::string::npos) << line;
      auto stored = findings_->Get(j["id"].get<std::string>());
      ASSERT_TRUE(stored.has_value());
      EXPECT_EQ(Body(line), FindingToJson(*stored).dump());
      ++found;
    }
  }
  EXPECT_EQ(events, st->events);
  EXPECT_EQ(found, findings.size());

  // The next run starts where this one stopped (its own audit event).
  auto sink2 = SyslogSink(Tls(), {});
  auto again = ExportLog(engine_->data_store(), *sink2, {}, At(Jst({2025, 1, 14}, 9, 6)));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->from_seq, st->next_seq);
  EXPECT_EQ(again->events, 2u);  // the previous run's end and this run's start
  auto runs = EventsOf("analysis.export");
  EXPECT_EQ(runs.size(), 4u);
}

TEST_F(ExportTest, AReceiverThatIsNotTrustedGetsNothing) {
  auto sender = SyslogTlsSender::Connect(Tls("other.crt"));
  ASSERT_FALSE(sender.has_value());
  EXPECT_EQ(sender.error().code(), Code::kUnavailable);
  EXPECT_NE(sender.error().message().find("certificate not trusted"), std::string::npos);
  auto sink = SyslogSink(Tls("other.crt"), {});
  auto st = ExportLog(engine_->data_store(), *sink, {}, At(kSetup));
  ASSERT_FALSE(st.has_value());
  // The cursor did not move: nothing counts as exported.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(Lines(Slurp(rs_ + "/received.log")).empty());
  SyslogTlsOptions bad = Tls();
  bad.url = "udp://127.0.0.1:514";
  EXPECT_EQ(SyslogTlsSender::Connect(bad).error().code(), Code::kInvalidArgument);
  bad = Tls();
  bad.ca_file.clear();
  EXPECT_EQ(SyslogTlsSender::Connect(bad).error().code(), Code::kInvalidArgument);
}

TEST_F(ExportTest, JsonLinesReadBackByAnAnalysisRun) {
  ReadPayroll("hana", Jst({2025, 1, 13}, 23, 40));
  const std::string events = dir_ / "events.jsonl";
  auto sink = JsonLinesSink(events, "");
  ASSERT_TRUE(sink.has_value()) << sink.error().ToString();
  auto st = ExportLog(engine_->data_store(), **sink, {}, At(Jst({2025, 1, 14}, 9, 0)));
  ASSERT_TRUE(st.has_value());
  sink->reset();
  EXPECT_EQ(Lines(Slurp(events)).size(), st->events);
  auto facts = LoadFacts(engine_->data_store());
  ASSERT_TRUE(facts.has_value());
  std::vector<Finding> found;
  auto source = FileSource(events);
  ASSERT_TRUE(RunAnalysis(*source, Parameters{}, *facts, JstMidnight({2025, 1, 13}),
                          JstMidnight({2025, 1, 14}),
                          [&](const Finding& f) {
                            found.push_back(f);
                            return Status::Ok();
                          })
                  .ok());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rule, Rule::kOffHours);
  EXPECT_EQ(found[0].actor, "hana");
}

// A finding is exported as it stands when the export reads it: closed by
// then, it carries the reason a person wrote, which may name someone. The
// steps leave (who, when, to what status); the reason stays with the
// finding. The same finding goes to syslog through the same reader.
TEST_F(ExportTest, AFindingLeavesWithoutTheReasonsWrittenOnIt) {
  auto m = NewMonitor();
  RoundAt(*m, Jst(kSetupDay, 9, 30));
  ReadPayroll("hana", Jst({2025, 1, 13}, 23, 40));
  RoundAt(*m, Jst({2025, 1, 14}, 9, 0));
  auto found = AllFindings(Rule::kOffHours);
  ASSERT_EQ(found.size(), 1u);
  const std::string reason = "花子さん本人から締め作業と聞き取り済み";
  ASSERT_TRUE(findings_->Review(CallerOf("sato", Jst({2025, 1, 14}, 9, 5)), found[0].id));
  ASSERT_TRUE(findings_->Explain(CallerOf("sato", Jst({2025, 1, 14}, 9, 6)), found[0].id, reason));
  const std::string events = dir_ / "events.jsonl", findings = dir_ / "findings.jsonl";
  auto sink = JsonLinesSink(events, findings);
  ASSERT_TRUE(sink.has_value()) << sink.error().ToString();
  ASSERT_TRUE(ExportLog(engine_->data_store(), **sink, {}, At(Jst({2025, 1, 14}, 9, 10))));
  sink->reset();
  auto lines = Lines(Slurp(findings));
  ASSERT_FALSE(lines.empty());
  bool explained = false;
  for (const auto& line : lines) {
    EXPECT_EQ(line.find(reason), std::string::npos) << line;
    auto j = nlohmann::json::parse(line);
    for (const auto& step : j["history"]) explained |= step["status"] == "explained";
  }
  EXPECT_TRUE(explained);
  EXPECT_EQ(Slurp(events).find(reason), std::string::npos);
  // And over syslog.
  auto syslog = SyslogSink(Tls(), {});
  ExportOptions o;
  o.name = "siem";
  ASSERT_TRUE(ExportLog(engine_->data_store(), *syslog, o, At(Jst({2025, 1, 14}, 9, 11))));
  syslog.reset();
  for (const auto& line : Received(1)) EXPECT_EQ(line.find(reason), std::string::npos);
  EXPECT_EQ(Slurp(rs_ + "/received.log").find(reason), std::string::npos);
}

// The destination of a JSON-lines export: not inside a protected
// directory (resolved through links), not a symbolic link, not a hard link,
// not the same file for events and findings; refused without quoting it.
TEST_F(ExportTest, AJsonLinesDestinationIsRefusedInsideTheStoreOrThroughALink) {
  const std::string store = dir_ / "store";
  std::filesystem::create_directories(store);
  std::ofstream(store + "/mamori.db") << "x";
  std::filesystem::create_symlink(store + "/mamori.db", dir_ / "link.jsonl");
  std::filesystem::create_directory_symlink(store, dir_ / "storelink");
  std::filesystem::create_hard_link(store + "/mamori.db", dir_ / "hard.jsonl");
  std::filesystem::create_directories(dir_ / "sub");
  for (const std::string& dest :
       {store + "/mamori.db", store + "/new.jsonl", dir_ / "sub/../store/new.jsonl",
        dir_ / "link.jsonl", dir_ / "storelink/new.jsonl", dir_ / "hard.jsonl"}) {
    SCOPED_TRACE(dest);
    auto sink = JsonLinesSink(dest, "", {store});
    ASSERT_FALSE(sink.has_value());
    EXPECT_EQ(sink.error().code(), Code::kInvalidArgument);
    EXPECT_EQ(sink.error().subject(), "jsonl");
    EXPECT_EQ(sink.error().message().find(dir_.path()), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(store + "/new.jsonl"));
  EXPECT_EQ(Slurp(store + "/mamori.db"), "x");
  const std::string same = dir_ / "same.jsonl";
  auto both = JsonLinesSink(same, same, {store});
  ASSERT_FALSE(both.has_value());
  EXPECT_EQ(both.error().subject(), "findings_jsonl");
  auto ok = JsonLinesSink(dir_ / "ok.jsonl", dir_ / "ok-findings.jsonl", {store});
  ASSERT_TRUE(ok.has_value()) << ok.error().ToString();
  EXPECT_EQ(std::filesystem::status(dir_ / "ok.jsonl").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace
}  // namespace mamori::analysis::testing
