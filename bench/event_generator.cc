#include "bench/event_generator.h"

#include <algorithm>
#include <cstdio>

#include "core/time.h"

namespace mamori::bench {
namespace {

struct Rng {
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
};

std::string Hex(Rng& r, int bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    const uint64_t v = r.Next();
    out += kHex[v & 15];
    out += kHex[(v >> 4) & 15];
  }
  return out;
}

std::string User(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "u%04d", i + 1);
  return buf;
}

void Escape(std::string& out, const std::string& s) {
  out += '"';
  out += s;  // synthetic ids: nothing to escape
  out += '"';
}

}  // namespace

const std::vector<GenDataset>& GenDatasets() {
  static const std::vector<GenDataset> kSets = {
      {"employee_my_number", 3, {"withholding", "social_insurance"}},
      {"loan_customer", 3, {"credit_screening", "loan_management"}},
      {"resident_tax", 2, {"tax_collection", "tax_refund"}},
  };
  return kSets;
}

std::string GenTerminal(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "t-%04d", i + 1);
  return buf;
}

void GenerateEvents(const GenOptions& o, const std::function<void(const GenEvent&)>& emit) {
  Rng rng{o.seed};
  const jp::BusinessCalendar calendar;
  const int64_t first_day = DaysFromCivil({2024, 1, 1});
  const auto& sets = GenDatasets();
  // Business days carry most events; closed days a trickle.
  std::vector<double> weight(o.days);
  double total = 0;
  for (int d = 0; d < o.days; ++d) {
    weight[d] = calendar.IsBusinessDayNumber(first_day + d) ? 1.0 : 0.03;
    total += weight[d];
  }
  std::vector<std::string> records[3];
  for (auto& pool : records) {
    for (int i = 0; i < 20000; ++i) pool.push_back(Hex(rng, 16));
  }
  GenEvent e;
  uint64_t emitted = 0;
  int burst_left = 0, burst_user = 0;
  bool burst_logon = false;
  std::vector<int64_t> times;
  for (int d = 0; d < o.days && emitted < o.events; ++d) {
    uint64_t n = static_cast<uint64_t>(static_cast<double>(o.events) * weight[d] / total + 0.5);
    if (d == o.days - 1 || emitted + n > o.events) n = o.events - emitted;
    const int64_t midnight = JstMidnight(CivilFromDays(first_day + d));
    times.resize(n);
    for (auto& t : times) {
      // 97 % between 08:30 and 19:30, the rest at any time of day.
      const double secs =
          rng.Unit() < 0.97 ? 8.5 * 3600 + rng.Unit() * 11 * 3600 : rng.Unit() * 86400;
      t = midnight + static_cast<int64_t>(secs * 1e6);
    }
    std::sort(times.begin(), times.end());
    for (int64_t t : times) {
      // Rare anomalies, so that every rule has something to find: a run of
      // consecutive reads by one person (bulk_access, frequency_spike), or
      // of failed logons by one person at one terminal (logon_failures per
      // user and per source).
      if (burst_left == 0) {
        const uint64_t roll = rng.Below(100'000);
        if (roll < 4) {
          burst_left = 120, burst_logon = false;
        } else if (roll < 6) {
          burst_left = 12, burst_logon = true;
        }
        if (burst_left > 0)
          burst_user = static_cast<int>(rng.Below(static_cast<uint64_t>(o.users)));
      }
      const bool in_burst = burst_left > 0;
      if (in_burst) --burst_left;
      const int u =
          in_burst ? burst_user : static_cast<int>(rng.Below(static_cast<uint64_t>(o.users)));
      const int set = u % 3;  // a department works on one dataset
      e.seq = emitted++;
      e.time = t;
      e.actor = User(u);
      e.dataset.clear();
      e.purpose.clear();
      e.record.clear();
      e.subject.clear();
      e.reason.clear();
      e.count = 0;
      e.result = "ok";
      // One event in twenty from another terminal (a colleague's, or an
      // unregistered certificate one in ten of those).
      const uint64_t where = rng.Below(200);
      e.terminal = where < 190   ? GenTerminal(u)
                   : where < 199 ? GenTerminal(static_cast<int>(rng.Below(o.users)))
                                 : "cert:" + Hex(rng, 8);
      const uint64_t kind = in_burst ? (burst_logon ? 970 : 0) : rng.Below(1000);
      if (in_burst && !burst_logon) {
        e.operation = "record.get";
        e.dataset = sets[set].name;
        e.purpose = sets[set].purposes[0];
        e.record = records[set][rng.Below(records[set].size())];
        e.subject = Hex(rng, 16);
      } else if (in_burst) {
        e.operation = "identity.login";
        e.result = "refused";
        e.reason = "wrong_password";
        e.terminal = GenTerminal(u);
      } else if (kind < 860) {
        static const char* kOps[] = {"record.get",    "record.get", "record.get",  "record.get",
                                     "record.get",    "record.get", "record.list", "record.put",
                                     "record.update", "record.find"};
        e.operation = kOps[rng.Below(10)];
        e.dataset = sets[set].name;
        e.purpose = sets[set].purposes[rng.Below(100) < 97 ? 0 : 1];
        if (e.operation == "record.find") {
          e.count = 1 + rng.Below(5);
        } else {
          e.record = records[set][rng.Below(records[set].size())];
          e.subject = Hex(rng, 16);
          if (e.operation == "record.list") e.count = 0;
        }
      } else if (kind < 960) {
        e.operation = "identity.login";
      } else if (kind < 990) {
        e.operation = "identity.login";
        e.result = "refused";
        const uint64_t why = rng.Below(100);
        e.reason = why < 90   ? "wrong_password"
                   : why < 95 ? "unknown_id"
                   : why < 98 ? "locked"
                              : "disabled";
        if (e.reason == "unknown_id") {
          e.actor.clear();
          e.subject = Hex(rng, 16);
        }
      } else {
        e.operation = rng.Below(2) ? "user.show" : "dataset.show";
      }
      emit(e);
    }
  }
}

std::string GenEventJson(const GenEvent& e) {
  // Members in nlohmann::json's (sorted) order, as `mamori audit events`.
  std::string out = "{";
  auto member = [&](const char* name, const std::string& v) {
    if (v.empty()) return;
    if (out.size() > 1) out += ',';
    out += '"';
    out += name;
    out += "\":";
    Escape(out, v);
  };
  member("actor", e.actor);
  if (e.count > 0) {
    out += out.size() > 1 ? "," : "";
    out += std::string("\"attrs\":{\"") + (e.operation == "record.find" ? "matches" : "count") +
           "\":\"" + std::to_string(e.count) + "\"}";
  }
  member("dataset", e.dataset);
  member("operation", e.operation);
  member("purpose", e.purpose);
  member("reason", e.reason);
  member("record", e.record);
  member("result", e.result);
  out += ",\"seq\":" + std::to_string(e.seq);
  member("subject", e.subject);
  member("terminal", e.terminal);
  out += ",\"time\":\"" + FormatUtc(e.time) + "\"}";
  return out;
}

}  // namespace mamori::bench
