// Synthetic audit events for the analysis benchmark (bench/analysis_bench.cc,
// docs/PERFORMANCE.md §5): an organisation of `users` people in departments, each
// with a registered terminal, working a year of JST business days — most
// events in business hours, a few at night and on closed days — reading,
// listing, writing and searching three datasets, logging on (and failing
// to), with rare anomalies (runs of reads by one person, bursts of failed
// logons) and a share of events from a colleague's or an unregistered
// terminal, so that every rule of the analysis has something to find. Deterministic for a seed.
// Every id is synthetic: users u0001…, terminals t-0001…, record ids and subject references are
// random hex.
//
// Each event is written in the shape `mamori audit events` prints (one JSON
// object per line, members sorted, as nlohmann::json orders them) and
// handed to the caller as fields, so the same events go to a file for the
// analysis and to an SQLite table for the SQL baseline.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "jp/business_calendar.h"

namespace mamori::bench {

struct GenEvent {
  uint64_t seq = 0;
  int64_t time = 0;  // micros
  std::string actor, operation, dataset, terminal, purpose, result, reason, record, subject;
  uint64_t count = 0;  // attrs.count (list) or attrs.matches (find); 0: none
};

struct GenOptions {
  uint64_t events = 1'000'000;
  int users = 2000;
  int days = 365;  // calendar days from 2024-01-01 JST
  uint64_t seed = 20250113;
};

// The datasets the events use, with their confidentiality and purposes.
struct GenDataset {
  std::string name;
  int confidentiality;
  std::vector<std::string> purposes;
};
const std::vector<GenDataset>& GenDatasets();
// The registered terminal of user i (0-based).
std::string GenTerminal(int i);

// Calls `emit` for each event in order (seq 0, 1, …; time ascending).
void GenerateEvents(const GenOptions& o, const std::function<void(const GenEvent&)>& emit);

// The event as one line of `mamori audit events` output (no newline).
std::string GenEventJson(const GenEvent& e);

}  // namespace mamori::bench
