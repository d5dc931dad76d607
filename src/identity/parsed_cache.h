// Internal to identity: parsed records remembered by their stored bytes.
//
// Authenticating a request reads the same session, user and terminal records
// every time, and they change far less often than they are read; parsing
// their JSON was about a third of the cost of authenticating (perf profile in
// docs/PERFORMANCE.md, round of 2026-12-06). A hit requires the bytes just
// read in the caller's transaction to equal the bytes the cached value was
// parsed from, so the cache can never answer with anything the store does
// not hold at that moment: there is nothing to invalidate, and a change made
// by another process (the CLI) is seen at once.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mamori::identity::internal {

template <class T>
class ParsedCache {
 public:
  explicit ParsedCache(size_t max_entries) : max_entries_(max_entries) {}

  // The value parsed from exactly `bytes` under `key`, if remembered.
  std::optional<T> Find(const std::string& key, const std::string& bytes) const {
    std::shared_ptr<const Entry> entry;
    {
      std::lock_guard lock(mu_);
      auto it = entries_.find(key);
      if (it == entries_.end()) return std::nullopt;
      entry = it->second;
    }
    if (entry->bytes != bytes) return std::nullopt;
    return entry->value;
  }

  void Remember(const std::string& key, std::string bytes, T value) {
    auto entry = std::make_shared<const Entry>(Entry{std::move(bytes), std::move(value)});
    std::lock_guard lock(mu_);
    // A bound, not an eviction policy: the working set of a server is its
    // logged-on users, far below it; past it, start over.
    if (entries_.size() >= max_entries_ && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(key, std::move(entry));
  }

 private:
  struct Entry {
    std::string bytes;
    T value;
  };
  const size_t max_entries_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Entry>, std::less<>> entries_;
};

}  // namespace mamori::identity::internal
