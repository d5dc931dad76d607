#include "governance/compliance_evidence.h"

#include <algorithm>

namespace mamori::governance {
namespace {

bool Matches(std::string_view key, std::string_view code) {
  if (key.find('#') != std::string_view::npos) return key == code;
  const std::string_view path = code.substr(0, code.find('#'));
  return path.starts_with(key);
}

}  // namespace

void ProbeResult::NotMet(const std::string& en, const std::string& ja) {
  if (!pass) {
    reason += "; ";
    reason_ja += "。";
  }
  pass = false;
  reason += en;
  reason_ja += ja;
}

void ProbeResult::List(std::string item) {
  if (overdue.size() < kMaxListedItems) overdue.push_back(std::move(item));
}

Status ProbeRegistry::Register(Probe probe) {
  if (probe.name.empty() || probe.code.empty() || !probe.run) {
    return Status::InvalidArgument("a probe needs a name, the code it judges and a function",
                                   "プローブには名前・判定するコード・関数が必要です", "probe");
  }
  for (const auto& p : probes_) {
    if (p.name == probe.name) {
      return Status::InvalidArgument("probe " + probe.name + " is registered twice",
                                     "プローブ " + probe.name + " が二重に登録されています",
                                     "probe");
    }
  }
  probes_.push_back(std::move(probe));
  return Status::Ok();
}

std::vector<const Probe*> ProbeRegistry::For(const std::vector<std::string>& code) const {
  std::vector<const Probe*> out;
  for (const auto& p : probes_) {
    const bool judges = std::any_of(code.begin(), code.end(), [&](const std::string& c) {
      return std::any_of(p.code.begin(), p.code.end(),
                         [&](const std::string& key) { return Matches(key, c); });
    });
    if (judges) out.push_back(&p);
  }
  return out;
}

const ProbeResult& EvidenceRun::Result(const Probe& probe) {
  auto it = done_.find(probe.name);
  if (it != done_.end()) return it->second;
  ProbeResult r;
  if (!sources_.storage) {
    r.pass = false;
    r.reason = "evidence not available: no data store";
    r.reason_ja = "証跡を読めません: データストアがありません";
  } else {
    auto got = probe.run(sources_);
    if (got) {
      r = std::move(*got);
    } else {
      r.pass = false;
      r.reason = "the evidence could not be read (" + got.error().subject() + ")";
      r.reason_ja = "証跡を読み取れませんでした (" + got.error().subject() + ")";
    }
  }
  r.evidence["probe"] = probe.name;
  return done_.emplace(probe.name, std::move(r)).first->second;
}

}  // namespace mamori::governance
