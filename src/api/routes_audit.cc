// The audit log through the API: the current and latest signed head,
// inclusion proofs (receipts), consistency proofs between sizes, and an
// event query — the same answers as `mamori audit head|proof|events`, read
// from one snapshot of the data store. Events hold no personal data
// (DESIGN.md decision 4), so none can leak here.
#include <nlohmann/json.hpp>

#include "api/call.h"
#include "api/routes.h"
#include "audit/log.h"
#include "audit/merkle.h"
#include "core/encoding.h"

namespace mamori::api {
namespace {

constexpr uint64_t kMaxEvents = 1000;

std::string Hex(const crypto::Digest& d) { return HexEncode(crypto::DigestView(d)); }

nlohmann::json HexList(const std::vector<crypto::Digest>& path) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : path) out.push_back(Hex(h));
  return out;
}

// MTH of the first n events.
Result<crypto::Digest> RootOf(store::ReadTxn& txn, const audit::TreeHead& current, uint64_t n) {
  if (n == current.size) return current.root;
  return audit::RootAt(txn, n);
}

// Runs fn on a snapshot (the pipeline has authorised the route).
HandlerResult ReadLog(engine::Engine& engine,
                      const std::function<Result<nlohmann::json>(store::ReadTxn&)>& fn) {
  nlohmann::json out;
  Status s = engine.data_store().View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(out, fn(txn));
    return Status::Ok();
  });
  if (!s.ok()) return std::unexpected(Problem::FromStatus(s));
  return JsonResponse(200, out);
}

std::expected<std::optional<TimeMicros>, Problem> TimeParam(const Call& call,
                                                            std::string_view name) {
  auto text = call.Query(name);
  if (!text || text->empty()) return std::nullopt;
  auto t = ParseUtc(*text);
  if (!t) {
    return std::unexpected(Problem::Make(
        "invalid_argument", std::string(name) + " must be a UTC time like 2026-11-22T00:00:00Z",
        std::string(name) + " は 2026-11-22T00:00:00Z 形式のUTC時刻で指定してください",
        std::string(name)));
  }
  return *t;
}

}  // namespace

Status AddAuditRoutes(Router& router, const RouteDeps& deps) {
  engine::Engine* engine = deps.engine;

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/audit/head", [=](Call&) -> HandlerResult {
         return ReadLog(*engine, [](store::ReadTxn& txn) -> Result<nlohmann::json> {
           MAMORI_ASSIGN_OR_RETURN(auto current, audit::CurrentHead(txn));
           MAMORI_ASSIGN_OR_RETURN(auto latest, audit::LatestSignedHead(txn));
           return nlohmann::json{
               {"size", current.size},
               {"root", Hex(current.root)},
               {"signed", latest ? audit::SignedHeadToJson(*latest) : nlohmann::json(nullptr)}};
         });
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/audit/proof", [=](Call& call) -> HandlerResult {
         auto seq = QueryUint(call, "seq");
         if (!seq) return std::unexpected(seq.error());
         auto size = QueryUint(call, "size", 0);
         if (!size) return std::unexpected(size.error());
         return ReadLog(
             *engine, [seq = *seq, size = *size](store::ReadTxn& txn) -> Result<nlohmann::json> {
               MAMORI_ASSIGN_OR_RETURN(auto current, audit::CurrentHead(txn));
               MAMORI_ASSIGN_OR_RETURN(auto latest, audit::LatestSignedHead(txn));
               // Default: prove against the latest signed head that covers
               // the event, so the receipt can be checked with a signature.
               const uint64_t n = size != 0                        ? size
                                  : (latest && latest->size > seq) ? latest->size
                                                                   : current.size;
               MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, seq));
               if (!ev) {
                 return Fail(Status::NotFound("no event with that sequence number",
                                              "該当するイベントがありません", "seq"));
               }
               MAMORI_ASSIGN_OR_RETURN(auto path, audit::InclusionProof(txn, seq, n));
               MAMORI_ASSIGN_OR_RETURN(auto root, RootOf(txn, current, n));
               const auto leaf = audit::EventLeafHash(*ev);
               return nlohmann::json{
                   {"type", "inclusion"},
                   {"seq", seq},
                   {"tree_size", n},
                   {"leaf_hash", Hex(leaf)},
                   {"root", Hex(root)},
                   {"proof", HexList(path)},
                   {"event", audit::EventToJson(*ev)},
                   {"verified", audit::merkle::VerifyInclusion(seq, n, leaf, path, root).ok()}};
             });
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/audit/consistency", [=](Call& call) -> HandlerResult {
         auto from = QueryUint(call, "from");
         if (!from) return std::unexpected(from.error());
         auto to = call.Query("to") ? QueryUint(call, "to") : std::expected<uint64_t, Problem>(0);
         if (!to) return std::unexpected(to.error());
         const bool to_given = call.Query("to").has_value();
         return ReadLog(
             *engine,
             [first = *from, to = *to, to_given](store::ReadTxn& txn) -> Result<nlohmann::json> {
               MAMORI_ASSIGN_OR_RETURN(auto current, audit::CurrentHead(txn));
               const uint64_t second = to_given ? to : current.size;
               MAMORI_ASSIGN_OR_RETURN(auto path, audit::ConsistencyProof(txn, first, second));
               MAMORI_ASSIGN_OR_RETURN(auto first_root, RootOf(txn, current, first));
               MAMORI_ASSIGN_OR_RETURN(auto second_root, RootOf(txn, current, second));
               return nlohmann::json{{"type", "consistency"},
                                     {"first_size", first},
                                     {"second_size", second},
                                     {"first_root", Hex(first_root)},
                                     {"second_root", Hex(second_root)},
                                     {"proof", HexList(path)},
                                     {"verified", audit::merkle::VerifyConsistency(
                                                      first, second, first_root, second_root, path)
                                                      .ok()}};
             });
       }}));

  MAMORI_RETURN_IF_ERROR(router.Add(
      {"GET", "/v1/audit/events", [=](Call& call) -> HandlerResult {
         audit::EventFilter filter;
         filter.actor = std::string(call.Query("actor").value_or(""));
         filter.dataset = std::string(call.Query("dataset").value_or(""));
         filter.operation = std::string(call.Query("operation").value_or(""));
         filter.result = std::string(call.Query("result").value_or(""));
         auto since = TimeParam(call, "since");
         if (!since) return std::unexpected(since.error());
         auto until = TimeParam(call, "until");
         if (!until) return std::unexpected(until.error());
         filter.since = *since;
         filter.until = *until;
         auto from_seq = QueryUint(call, "from_seq", 0);
         if (!from_seq) return std::unexpected(from_seq.error());
         auto limit = QueryUint(call, "limit", 100);
         if (!limit) return std::unexpected(limit.error());
         if (*limit == 0 || *limit > kMaxEvents) {
           return std::unexpected(Problem::Make("invalid_argument", "limit must be from 1 to 1000",
                                                "limit は1〜1000で指定してください", "limit"));
         }
         filter.from_seq = *from_seq;
         filter.limit = static_cast<size_t>(*limit);
         return ReadLog(*engine, [&filter](store::ReadTxn& txn) -> Result<nlohmann::json> {
           MAMORI_ASSIGN_OR_RETURN(auto found, audit::Query(txn, filter));
           nlohmann::json events = nlohmann::json::array();
           for (const auto& ev : found) events.push_back(audit::EventToJson(ev));
           // A full page may have more after it: page on from
           // the last seq + 1.
           nlohmann::json next = nullptr;
           if (found.size() == filter.limit) next = found.back().seq + 1;
           return nlohmann::json{{"events", std::move(events)}, {"next_from_seq", next}};
         });
       }}));
  return Status::Ok();
}

}  // namespace mamori::api
