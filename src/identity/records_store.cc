#include "identity/records_store.h"

#include <nlohmann/json.hpp>

#include "identity/ids.h"
#include "identity/keyspace.h"
#include "identity/parsed_cache.h"

namespace mamori::identity::internal {
namespace {

// Reads and parses the record at `key`. With a cache, a record whose stored
// bytes were parsed before is not parsed again (parsed_cache.h). Records
// hold only identifiers, hashes and sealed values, as stored.
template <class T, class Parse>
Result<std::optional<T>> Load(store::ReadTxn& txn, const std::string& key, Parse parse,
                              ParsedCache<T>* cache = nullptr) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(key));
  if (!raw) return std::optional<T>();
  if (cache) {
    if (auto hit = cache->Find(key, *raw)) return hit;
  }
  MAMORI_ASSIGN_OR_RETURN(T value, parse(*raw));
  if (cache) cache->Remember(key, std::move(*raw), value);
  return std::optional<T>(std::move(value));
}

// One cache per record type, shared by every store in the process (the
// byte comparison makes sharing safe); built on first use.
template <class T>
ParsedCache<T>& CacheOf() {
  static ParsedCache<T> cache(4096);
  return cache;
}

}  // namespace

Result<std::optional<User>> LoadUser(store::ReadTxn& txn, std::string_view id) {
  return Load<User>(
      txn, keyspace::User(id), [&](std::string_view text) { return UserFromJson(text, id); },
      &CacheOf<User>());
}
Status PutUser(store::WriteTxn& txn, const User& u) {
  return txn.Put(keyspace::User(u.id), UserToJson(u).dump());
}

Result<std::optional<ServiceAccount>> LoadServiceAccount(store::ReadTxn& txn, std::string_view id) {
  return Load<ServiceAccount>(txn, keyspace::Service(id), [&](std::string_view text) {
    return ServiceAccountFromJson(text, id);
  });
}
Status PutServiceAccount(store::WriteTxn& txn, const ServiceAccount& s) {
  return txn.Put(keyspace::Service(s.id), ServiceAccountToJson(s).dump());
}

Result<std::optional<TerminalEntry>> LoadTerminal(store::ReadTxn& txn, std::string_view id) {
  return Load<TerminalEntry>(
      txn, keyspace::Terminal(id),
      [&](std::string_view text) { return TerminalFromJson(text, id); }, &CacheOf<TerminalEntry>());
}
Result<identity::Terminal> ResolveTerminal(store::ReadTxn& txn, std::string_view fingerprint) {
  identity::Terminal out;
  const auto fp = NormaliseFingerprint(fingerprint);
  if (!fp) return out;
  out.fingerprint = *fp;
  MAMORI_ASSIGN_OR_RETURN(auto holder, txn.Get(keyspace::TerminalFingerprint(*fp)));
  if (!holder) return out;
  MAMORI_ASSIGN_OR_RETURN(auto t, LoadTerminal(txn, *holder));
  if (t && t->active() && t->fingerprint == *fp) {
    out.id = t->id;
    out.controlled_area = t->controlled_area;
  }
  return out;
}

Status PutTerminal(store::WriteTxn& txn, const TerminalEntry& t) {
  return txn.Put(keyspace::Terminal(t.id), TerminalToJson(t).dump());
}

Result<std::optional<Session>> LoadSession(store::ReadTxn& txn, std::string_view token_hash) {
  return Load<Session>(txn, keyspace::Session(token_hash), SessionFromJson, &CacheOf<Session>());
}

Status PutSession(store::WriteTxn& txn, const Session& s) {
  MAMORI_RETURN_IF_ERROR(txn.Put(keyspace::Session(s.token_hash), SessionToJson(s).dump()));
  return txn.Put(keyspace::UserSession(s.user_id, s.token_hash), "");
}

Status DeleteSession(store::WriteTxn& txn, const Session& s) {
  MAMORI_RETURN_IF_ERROR(txn.Delete(keyspace::Session(s.token_hash)));
  return txn.Delete(keyspace::UserSession(s.user_id, s.token_hash));
}

Result<size_t> EndUserSessions(store::WriteTxn& txn, std::string_view user_id, TimeMicros now,
                               SessionState state, std::string_view reason,
                               std::string_view keep_hash) {
  const std::string prefix = keyspace::UserSessionsPrefix(user_id);
  MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(prefix, store::PrefixEnd(prefix), 0));
  size_t ended = 0;
  for (const auto& row : rows) {
    const std::string_view hash = std::string_view(row.key).substr(prefix.size());
    if (hash == keep_hash) continue;
    MAMORI_ASSIGN_OR_RETURN(auto s, LoadSession(txn, hash));
    if (!s || s->state != SessionState::kActive) continue;
    s->state = state;
    s->ended_at = now;
    s->end_reason = std::string(reason);
    MAMORI_RETURN_IF_ERROR(PutSession(txn, *s));
    ++ended;
  }
  return ended;
}

}  // namespace mamori::identity::internal
