// The witnesses (witness.h) against real things: a directory on disk, a
// syslog listener on a real TCP and UDP socket, and an HTTPS server on a
// real TLS socket with certificates made by the openssl command.
#include "audit/witness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "audit/audit_test_util.h"
#include "audit/head.h"

namespace mamori::audit {
namespace {

// The same head every time for a size (ECDSA signatures are randomised).
SignedTreeHead Head(uint64_t size) {
  static const auto key = crypto::EcdsaP256PrivateKey::Generate();
  static std::map<uint64_t, SignedTreeHead> made;
  if (auto it = made.find(size); it != made.end()) return it->second;
  SignedTreeHead& h = made[size];
  h.size = size;
  h.root.fill(static_cast<uint8_t>(size));
  h.time = 1'790'000'000'000'000 + static_cast<TimeMicros>(size);
  h.key_fingerprint = key->PublicKey().Fingerprint();
  h.signature = *key->Sign(SignedHeadMessage(h));
  return h;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- directory ----

class DirectoryWitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.File("data");
    witness_dir_ = dir_.File("witness");
    std::filesystem::create_directories(data_);
  }
  std::unique_ptr<Witness> Open() {
    std::string warning;
    auto w = OpenDirectoryWitness(witness_dir_, data_, &warning);
    EXPECT_TRUE(w.has_value()) << w.error().ToString();
    return w ? std::move(*w) : nullptr;
  }
  std::string File() const { return witness_dir_ + "/" + kWitnessFileName; }

  test::TempDir dir_;
  std::string data_, witness_dir_;
};

TEST_F(DirectoryWitnessTest, AppendsDurablyAndReadsBackTheLast) {
  auto w = Open();
  ASSERT_NE(w, nullptr);
  EXPECT_TRUE(w->CanReadBack());
  auto none = w->Latest();
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
  for (uint64_t size : {10u, 20u, 30u}) ASSERT_TRUE(w->Record(Head(size)).ok());
  auto latest = w->Latest();
  ASSERT_TRUE(latest.has_value() && latest->has_value());
  EXPECT_EQ(**latest, Head(30));
  EXPECT_EQ(ReadAll(File()), SignedHeadJson(Head(10)) + "\n" + SignedHeadJson(Head(20)) + "\n" +
                                 SignedHeadJson(Head(30)) + "\n");
  struct stat st {};
  ASSERT_EQ(::stat(File().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(witness_dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  // Another process (a restarted server) reads the same.
  auto again = Open();
  EXPECT_EQ(**again->Latest(), Head(30));
}

TEST_F(DirectoryWitnessTest, ATornLastLineIsSkippedAndTheNextHeadStartsItsOwnLine) {
  auto w = Open();
  ASSERT_TRUE(w->Record(Head(10)).ok());
  {
    std::ofstream out(File(), std::ios::app | std::ios::binary);
    out << SignedHeadJson(Head(20)).substr(0, 50);  // a crash in the middle of an append
  }
  EXPECT_EQ(**w->Latest(), Head(10));
  ASSERT_TRUE(w->Record(Head(30)).ok());
  EXPECT_EQ(**w->Latest(), Head(30));
  const std::string text = ReadAll(File());
  EXPECT_NE(text.find("\n" + SignedHeadJson(Head(30)) + "\n"), std::string::npos);
}

TEST_F(DirectoryWitnessTest, AMalformedCompleteLastEntryIsDataLoss) {
  auto w = Open();
  ASSERT_TRUE(w->Record(Head(10)).ok());
  {
    std::ofstream out(File(), std::ios::app | std::ios::binary);
    out << "{\"size\":99}\n";
  }
  auto latest = w->Latest();
  ASSERT_FALSE(latest.has_value());
  EXPECT_EQ(latest.error().code(), Code::kDataLoss);
}

TEST_F(DirectoryWitnessTest, ReadsOnlyTheTailOfALongFile) {
  auto w = Open();
  for (uint64_t size = 1; size <= 250; ++size) ASSERT_TRUE(w->Record(Head(size)).ok());
  ASSERT_GT(std::filesystem::file_size(File()), 64u * 1024);
  EXPECT_EQ(**w->Latest(), Head(250));
}

TEST_F(DirectoryWitnessTest, RefusesTheDataDirectoryAndAnythingInsideIt) {
  std::filesystem::create_directories(data_ + "/keys");
  for (const std::string& inside : {data_, data_ + "/witness", data_ + "/keys/../w"}) {
    std::string warning;
    auto w = OpenDirectoryWitness(inside, data_, &warning);
    ASSERT_FALSE(w.has_value()) << inside;
    EXPECT_EQ(w.error().code(), Code::kInvalidArgument);
    EXPECT_NE(w.error().message().find("inside the data directory"), std::string::npos);
    EXPECT_FALSE(w.error().message_ja().empty());
    EXPECT_FALSE(std::filesystem::exists(data_ + "/witness")) << "a refused directory is not made";
  }
  // Through a symbolic link, too.
  std::filesystem::create_directory_symlink(data_, dir_.File("alias"));
  std::string warning;
  EXPECT_FALSE(OpenDirectoryWitness(dir_.File("alias") + "/w", data_, &warning).has_value());
}

TEST_F(DirectoryWitnessTest, WarnsWhenOnTheSameFilesystemAsTheData) {
  std::string warning;
  auto w = OpenDirectoryWitness(witness_dir_, data_, &warning);
  ASSERT_TRUE(w.has_value());
  // Both are under the same temporary directory.
  EXPECT_NE(warning.find("same filesystem"), std::string::npos) << warning;
}

// ---- syslog ----

// A listening socket on 127.0.0.1 and an ephemeral port.
int Listen(int type, uint16_t* port) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  if (type == SOCK_STREAM && ::listen(fd, 4) != 0) return -1;
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

std::string ReadUntilClosed(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

void ExpectRfc5424(const std::string& msg, const SignedTreeHead& h) {
  EXPECT_TRUE(msg.starts_with("<110>1 ")) << msg;
  EXPECT_NE(msg.find(" witness-host mamori "), std::string::npos) << msg;
  EXPECT_NE(msg.find(" sth - "), std::string::npos) << msg;
  EXPECT_TRUE(msg.ends_with(" sth - " + SignedHeadJson(h))) << msg;
}

TEST(SyslogWitnessTest, SendsAnOctetCountedRfc5424MessageOverTcp) {
  uint16_t port = 0;
  const int listener = Listen(SOCK_STREAM, &port);
  ASSERT_GE(listener, 0);
  std::string received;
  std::thread server([&] {
    const int conn = ::accept(listener, nullptr, nullptr);
    received = ReadUntilClosed(conn);
    ::close(conn);
  });
  auto w = OpenSyslogWitness({.url = "tcp://127.0.0.1:" + std::to_string(port),
                              .app_name = "mamori",
                              .hostname = "witness-host"});
  ASSERT_TRUE(w.has_value()) << w.error().ToString();
  EXPECT_FALSE((*w)->CanReadBack());
  const Status s = (*w)->Record(Head(42));
  server.join();
  ::close(listener);
  ASSERT_TRUE(s.ok()) << s.ToString();
  const size_t space = received.find(' ');
  ASSERT_NE(space, std::string::npos);
  const std::string msg = received.substr(space + 1);
  EXPECT_EQ(received.substr(0, space), std::to_string(msg.size()));  // RFC 6587 framing
  ExpectRfc5424(msg, Head(42));
}

TEST(SyslogWitnessTest, SendsOneDatagramOverUdp) {
  uint16_t port = 0;
  const int sock = Listen(SOCK_DGRAM, &port);
  ASSERT_GE(sock, 0);
  auto w = OpenSyslogWitness({.url = "udp://127.0.0.1:" + std::to_string(port),
                              .app_name = "mamori",
                              .hostname = "witness-host"});
  ASSERT_TRUE(w.has_value());
  ASSERT_TRUE((*w)->Record(Head(7)).ok());
  char buf[4096];
  const ssize_t n = ::recv(sock, buf, sizeof buf, 0);
  ::close(sock);
  ASSERT_GT(n, 0);
  ExpectRfc5424(std::string(buf, static_cast<size_t>(n)), Head(7));
}

TEST(SyslogWitnessTest, RefusesMalformedUrlsAndReportsAnUnreachableServer) {
  for (const char* url : {"", "syslog://h:514", "tcp://h", "tcp://h:0", "udp://:514",
                          "tcp://a:b:514", "tcp://h:70000"}) {
    SyslogWitnessOptions o;
    o.url = url;
    auto w = OpenSyslogWitness(o);
    EXPECT_FALSE(w.has_value()) << url;
  }
  uint16_t port = 0;
  const int fd = Listen(SOCK_STREAM, &port);
  ::close(fd);  // nothing listens there any more
  SyslogWitnessOptions o;
  o.url = "tcp://127.0.0.1:" + std::to_string(port);
  auto w = OpenSyslogWitness(o);
  ASSERT_TRUE(w.has_value());
  const Status s = (*w)->Record(Head(1));
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_NE(s.message().find("syslog:tcp://127.0.0.1"), std::string::npos) << s.message();
}

// ---- HTTPS ----

// A one-request-at-a-time HTTPS server on 127.0.0.1 with OpenSSL: reads a
// request (headers and Content-Length body) and answers `status`.
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key, int status) : status_(status) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    ok_ = ctx_ && SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str()) == 1 &&
          SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) == 1;
    listener_ = Listen(SOCK_STREAM, &port_);
    ok_ = ok_ && listener_ >= 0;
    thread_ = std::thread([this] { Serve(); });
  }
  ~TlsServer() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
    SSL_CTX_free(ctx_);
  }
  bool ok() const { return ok_; }
  uint16_t port() const { return port_; }
  std::string request() {
    std::lock_guard lock(mu_);
    return request_;
  }

 private:
  void Serve() {
    while (!stop_) {
      const int conn = ::accept(listener_, nullptr, nullptr);
      if (conn < 0) return;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, conn);
      if (SSL_accept(ssl) == 1) {
        std::string req;
        char buf[4096];
        size_t want = std::string::npos;
        int n;
        while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) {
          req.append(buf, static_cast<size_t>(n));
          const size_t end = req.find("\r\n\r\n");
          if (end != std::string::npos && want == std::string::npos) {
            const size_t cl = req.find("Content-Length: ");
            want = end + 4 + (cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16)));
          }
          if (want != std::string::npos && req.size() >= want) break;
        }
        {
          std::lock_guard lock(mu_);
          request_ = req;
        }
        const std::string answer = "HTTP/1.1 " + std::to_string(status_) +
                                   " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      ::close(conn);
    }
  }

  int status_;
  SSL_CTX* ctx_ = nullptr;
  bool ok_ = false;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string request_;
  std::thread thread_;
};

class HttpsWitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pki_ = dir_.File("pki");
    std::filesystem::create_directories(pki_);
    // A CA, a server certificate for localhost and 127.0.0.1, one for
    // another name, and a second CA that issued neither.
    const std::string script =
        "set -e; cd '" + pki_ +
        "'; "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key "
        "-out ca.crt -subj /CN=witness-test-ca -days 2; "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key "
        "-out other-ca.crt -subj /CN=other-ca -days 2; "
        "for n in good wrong; do "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $n.key "
        "-out $n.csr -subj /CN=$n; done; "
        "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > good.ext; "
        "printf 'subjectAltName=DNS:elsewhere.example\\n' > wrong.ext; "
        "for n in good wrong; do openssl x509 -req -in $n.csr -CA ca.crt -CAkey ca.key "
        "-CAcreateserial -out $n.crt -days 2 -extfile $n.ext; done";
    ASSERT_EQ(std::system(("(" + script + ") >/dev/null 2>&1").c_str()), 0);
  }
  Result<std::unique_ptr<Witness>> Open(const std::string& host, uint16_t port,
                                        const std::string& ca = "ca.crt") {
    return OpenHttpsWitness({.url = "https://" + host + ":" + std::to_string(port) + "/v1/heads",
                             .ca_file = pki_ + "/" + ca,
                             .timeout = std::chrono::milliseconds(5000)});
  }

  test::TempDir dir_;
  std::string pki_;
};

TEST_F(HttpsWitnessTest, PostsTheHeadToAServerItVerified) {
  TlsServer server(pki_ + "/good.crt", pki_ + "/good.key", 201);
  ASSERT_TRUE(server.ok());
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    auto w = Open(host, server.port());
    ASSERT_TRUE(w.has_value()) << w.error().ToString();
    const Status s = (*w)->Record(Head(99));
    ASSERT_TRUE(s.ok()) << host << ": " << s.ToString();
    const std::string req = server.request();
    EXPECT_TRUE(req.starts_with("POST /v1/heads HTTP/1.1\r\n")) << req;
    EXPECT_NE(req.find("Content-Type: application/json\r\n"), std::string::npos);
    EXPECT_TRUE(req.ends_with("\r\n\r\n" + SignedHeadJson(Head(99)))) << req;
  }
}

TEST_F(HttpsWitnessTest, RefusesAnUntrustedOrMisnamedServerAndAFailedAnswer) {
  TlsServer good(pki_ + "/good.crt", pki_ + "/good.key", 200);
  auto untrusted = Open("localhost", good.port(), "other-ca.crt");
  ASSERT_TRUE(untrusted.has_value());
  Status s = (*untrusted)->Record(Head(1));
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_NE(s.message().find("certificate not trusted"), std::string::npos) << s.message();
  EXPECT_TRUE(good.request().empty()) << "nothing may be sent to an unverified server";

  TlsServer misnamed(pki_ + "/wrong.crt", pki_ + "/wrong.key", 200);
  auto w = Open("localhost", misnamed.port());
  s = (*w)->Record(Head(1));
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_NE(s.message().find("certificate not trusted"), std::string::npos) << s.message();

  TlsServer failing(pki_ + "/good.crt", pki_ + "/good.key", 503);
  auto f = Open("localhost", failing.port());
  s = (*f)->Record(Head(1));
  EXPECT_EQ(s.code(), Code::kUnavailable);
  EXPECT_NE(s.message().find("HTTP 503"), std::string::npos) << s.message();
}

TEST_F(HttpsWitnessTest, RefusesAMalformedConfiguration) {
  EXPECT_FALSE(OpenHttpsWitness({.url = "http://h/x", .ca_file = pki_ + "/ca.crt"}).has_value());
  EXPECT_FALSE(OpenHttpsWitness({.url = "https:///x", .ca_file = pki_ + "/ca.crt"}).has_value());
  EXPECT_FALSE(OpenHttpsWitness({.url = "https://h/x y", .ca_file = pki_ + "/ca.crt"}).has_value());
  EXPECT_FALSE(OpenHttpsWitness({.url = "https://h/x", .ca_file = ""}).has_value());
  EXPECT_FALSE(OpenHttpsWitness({.url = "https://h/x", .ca_file = pki_ + "/none.crt"}).has_value());
  EXPECT_TRUE(OpenHttpsWitness({.url = "https://h/x", .ca_file = pki_ + "/ca.crt"}).has_value());
}

}  // namespace
}  // namespace mamori::audit
