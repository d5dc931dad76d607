// The syslog witness (witness.h): one RFC 5424 message per signed head.
#include <sys/socket.h>
#include <unistd.h>

#include "audit/witness.h"
#include "audit/witness_net.h"
#include "core/time.h"

namespace mamori::audit {
namespace {

// Facility 13 (log audit) × 8 + severity 6 (informational).
constexpr int kPri = 13 * 8 + 6;

// RFC 5424 §6: HOSTNAME, APP-NAME and MSGID are printable US-ASCII without
// spaces, of bounded length; anything else becomes "-" (NILVALUE) rather
// than a malformed header.
std::string HeaderField(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return "-";
  for (char c : s) {
    if (c < 33 || c > 126) return "-";
  }
  return std::string(s);
}

class SyslogWitness final : public Witness {
 public:
  SyslogWitness(SyslogWitnessOptions o, internal::HostPort to, bool tcp)
      : o_(std::move(o)), to_(std::move(to)), tcp_(tcp) {
    if (o_.hostname.empty()) {
      char host[256] = {0};
      if (::gethostname(host, sizeof host - 1) == 0) o_.hostname = host;
    }
  }

  Status Record(const SignedTreeHead& sth) override {
    const std::string msg = SyslogMessage(sth, o_.hostname, o_.app_name, NowMicros());
    const std::string who = Describe();
    MAMORI_ASSIGN_OR_RETURN(
        int fd, internal::Connect(to_, tcp_ ? SOCK_STREAM : SOCK_DGRAM, o_.timeout, who));
    // TCP: RFC 6587 §3.4.1 octet counting, "MSG-LEN SP SYSLOG-MSG".
    Status s = internal::SendAll(fd, tcp_ ? std::to_string(msg.size()) + " " + msg : msg, who);
    // A clean close (FIN after the data): syslog servers keep a TCP
    // connection open and never answer, so there is nothing to wait for.
    if (s.ok() && tcp_) ::shutdown(fd, SHUT_WR);
    internal::CloseSocket(fd);
    return s;
  }

  bool CanReadBack() const override { return false; }
  Result<std::optional<SignedTreeHead>> Latest() override {
    return std::optional<SignedTreeHead>();
  }
  std::string Describe() const override { return "syslog:" + o_.url; }

 private:
  SyslogWitnessOptions o_;
  internal::HostPort to_;
  bool tcp_;
};

}  // namespace

std::string SyslogMessage(const SignedTreeHead& sth, std::string_view hostname,
                          std::string_view app_name, TimeMicros now) {
  // <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD SP MSG
  return "<" + std::to_string(kPri) + ">1 " + FormatUtc(now) + " " + HeaderField(hostname, 255) +
         " " + HeaderField(app_name, 48) + " " + std::to_string(::getpid()) + " sth - " +
         SignedHeadJson(sth);
}

Result<std::unique_ptr<Witness>> OpenSyslogWitness(const SyslogWitnessOptions& options) {
  const std::string_view url = options.url;
  const bool tcp = url.starts_with("tcp://");
  const bool udp = url.starts_with("udp://");
  const auto to = tcp || udp ? internal::ParseHostPort(url.substr(6)) : std::nullopt;
  if (!to) {
    return Fail(Status::InvalidArgument(
        "the syslog witness must be tcp://HOST:PORT or udp://HOST:PORT",
        "syslog の証人は tcp://HOST:PORT または udp://HOST:PORT で指定してください",
        "witness-syslog"));
  }
  return std::unique_ptr<Witness>(std::make_unique<SyslogWitness>(options, *to, tcp));
}

}  // namespace mamori::audit
