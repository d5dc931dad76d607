// Reading a store's audit log from a test: every fixture that checks "this
// effect left that event" uses these, so that each check reads the log the
// same way (the whole log, oldest first, no page limit).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/log.h"
#include "store/storage.h"

namespace mamori::testing {

// The events of `store` that `filter` selects, oldest first; `filter.limit`
// is ignored (every match is returned). A log that cannot be read fails the
// calling test and returns what was read (nothing).
inline std::vector<audit::Event> QueryEvents(store::Storage& store, audit::EventFilter filter) {
  filter.limit = 0;
  std::vector<audit::Event> out;
  const Status s = store.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, audit::Query(txn, filter));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// Every event of `operation` (every event when empty), oldest first.
inline std::vector<audit::Event> EventsOf(store::Storage& store, const std::string& operation) {
  audit::EventFilter f;
  f.operation = operation;
  return QueryEvents(store, f);
}

// The events appended since the log held `since` events, oldest first.
inline std::vector<audit::Event> EventsSince(store::Storage& store, uint64_t since) {
  audit::EventFilter f;
  f.from_seq = since;
  return QueryEvents(store, f);
}

// Those of `events` that request `request_id` left (what an answer names in
// X-Request-Id); none for an empty id.
inline std::vector<audit::Event> EventsOfRequest(std::vector<audit::Event> events,
                                                 std::string_view request_id) {
  std::vector<audit::Event> out;
  for (auto& ev : events) {
    if (!request_id.empty() && ev.request_id == request_id) out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace mamori::testing
