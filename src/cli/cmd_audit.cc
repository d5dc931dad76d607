// audit commands. head, verify, proof and events read only the data store and
// need no key: an auditor can run them on a copy, without trusting the server.
#include <fstream>
#include <iostream>
#include <sstream>

#include "audit/log.h"
#include "audit/merkle.h"
#include "audit/verify.h"
#include "cli/common.h"
#include "core/encoding.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::cli {
namespace {

std::string Hex(const crypto::Digest& d) { return HexEncode(crypto::DigestView(d)); }

nlohmann::json ReportToJson(const audit::VerifyReport& r) {
  nlohmann::json j = {{"ok", r.ok},
                      {"events_checked", r.events_checked},
                      {"nodes_checked", r.nodes_checked},
                      {"heads_checked", r.heads_checked},
                      {"bytes_hashed", r.bytes_hashed},
                      {"size", r.head.size},
                      {"root", Hex(r.head.root)},
                      {"signed_size", r.signed_size},
                      {"key_pinned", r.key_pinned},
                      {"signers", r.signer_fingerprints},
                      {"notes", r.notes},
                      {"notes_ja", r.notes_ja}};
  if (!r.ok) {
    j["problem"] = audit::ProblemName(r.problem);
    j["first_bad_seq"] = r.bad_seq ? nlohmann::json(*r.bad_seq) : nlohmann::json(nullptr);
    if (r.bad_head_size) j["bad_head_size"] = *r.bad_head_size;
    j["reason"] = r.reason;
    j["reason_ja"] = r.reason_ja;
  }
  return j;
}

Result<std::unique_ptr<store::Storage>> OpenDataReadOnly(const StoreFlags& flags) {
  store::SqliteOptions options;
  options.path = flags.MakePaths().DataStore();
  options.create_if_missing = false;
  // These commands scan; nothing commits under them (see read_mmap_bytes).
  options.read_mmap_bytes = uint64_t{1} << 30;
  auto storage = store::OpenSqliteStorage(options);
  if (!storage && storage.error().code() == Code::kNotFound) {
    return Fail(Status::NotFound("no mamori store in " + flags.data,
                                 "mamori のストアがありません: " + flags.data, "data"));
  }
  return storage;
}

template <class Fn>
void WithLog(const StoreFlags& flags, int& exit_code, Fn fn) {
  auto storage = OpenDataReadOnly(flags);
  if (!storage) {
    exit_code = ReportError(storage.error());
    return;
  }
  Status s = (*storage)->View([&](store::ReadTxn& txn) { return fn(txn); });
  if (!s.ok()) exit_code = ReportError(s);
}

}  // namespace

void AddAuditCommands(CLI::App& app, int& exit_code) {
  auto* audit_cmd = app.add_subcommand("audit", "the verifiable audit log / 監査ログ");
  audit_cmd->require_subcommand(1);

  auto* head = audit_cmd->add_subcommand(
      "head", "current tree head and the latest signed head / ツリーヘッド");
  auto head_flags = std::make_shared<StoreFlags>();
  auto sign = std::make_shared<bool>(false);
  head_flags->AddTo(head);
  head->add_flag("--sign", *sign,
                 "sign a new tree head first (needs the root key) / 新しい署名付きヘッドを作成");
  head->callback([head_flags, sign, &exit_code] {
    if (*sign) {
      auto engine = OpenEngine(*head_flags);
      if (!engine) {
        exit_code = ReportError(engine.error());
        return;
      }
      auto signed_head = (*engine)->SignTreeHead(LocalContext());
      if (!signed_head) {
        exit_code = ReportError(signed_head.error());
        return;
      }
    }
    WithLog(*head_flags, exit_code, [&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto current, audit::CurrentHead(txn));
      MAMORI_ASSIGN_OR_RETURN(auto latest, audit::LatestSignedHead(txn));
      nlohmann::json out = {{"size", current.size}, {"root", Hex(current.root)}};
      out["signed"] = latest ? audit::SignedHeadToJson(*latest) : nlohmann::json(nullptr);
      PrintJson(out);
      return Status::Ok();
    });
  });

  auto* verify = audit_cmd->add_subcommand(
      "verify",
      "verify the whole log offline; exit 1 and name the first bad entry if altered / 改ざん検証");
  auto verify_flags = std::make_shared<StoreFlags>();
  auto public_key = std::make_shared<std::string>();
  verify_flags->AddTo(verify);
  verify->add_option(
      "--public-key", *public_key,
      "PEM public key to pin (the auditor's copy of audit-public-key.pem) / 検証に使う公開鍵");
  verify->callback([verify_flags, public_key, &exit_code] {
    std::optional<crypto::EcdsaP256PublicKey> pinned;
    if (!public_key->empty()) {
      auto pem = ReadInput(*public_key);
      if (!pem) {
        exit_code = ReportError(pem.error());
        return;
      }
      auto key = crypto::EcdsaP256PublicKey::FromPem(*pem);
      if (!key) {
        exit_code = ReportError(key.error());
        return;
      }
      pinned = std::move(*key);
    }
    WithLog(*verify_flags, exit_code, [&](store::ReadTxn& txn) -> Status {
      const audit::VerifyReport report = audit::VerifyLog(txn, pinned ? &*pinned : nullptr);
      PrintJson(ReportToJson(report));
      if (!report.ok) {
        std::cerr << "mamori: audit log verification FAILED / 監査ログの検証に失敗しました: "
                  << report.reason << " / " << report.reason_ja << "\n";
        exit_code = 1;
      }
      return Status::Ok();
    });
  });

  auto* proof = audit_cmd->add_subcommand("proof",
                                          "inclusion proof of an event (--seq) or consistency "
                                          "proof between sizes (--from/--to) / 証明");
  auto proof_flags = std::make_shared<StoreFlags>();
  auto seq = std::make_shared<int64_t>(-1);
  auto size = std::make_shared<int64_t>(-1);
  auto from = std::make_shared<int64_t>(-1);
  auto to = std::make_shared<int64_t>(-1);
  proof_flags->AddTo(proof);
  proof->add_option("--seq", *seq, "event sequence number / イベント番号");
  proof->add_option("--size", *size,
                    "tree size to prove against (default: latest signed head, else current)");
  proof->add_option("--from", *from, "consistency: the earlier tree size an auditor kept");
  proof->add_option("--to", *to, "consistency: the later tree size (default current)");
  proof->callback([proof_flags, seq, size, from, to, &exit_code] {
    WithLog(*proof_flags, exit_code, [&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto current, audit::CurrentHead(txn));
      MAMORI_ASSIGN_OR_RETURN(auto latest, audit::LatestSignedHead(txn));
      auto root_of = [&](uint64_t n) -> Result<crypto::Digest> {
        if (n == current.size) return current.root;
        return audit::RootAt(txn, n);
      };
      nlohmann::json out;
      if (*seq >= 0) {
        uint64_t n = *size >= 0
                         ? static_cast<uint64_t>(*size)
                         : (latest && latest->size > static_cast<uint64_t>(*seq) ? latest->size
                                                                                 : current.size);
        MAMORI_ASSIGN_OR_RETURN(auto ev, audit::ReadEvent(txn, static_cast<uint64_t>(*seq)));
        if (!ev)
          return Status::NotFound("no event with that sequence number",
                                  "該当するイベントがありません", "seq");
        MAMORI_ASSIGN_OR_RETURN(auto path,
                                audit::InclusionProof(txn, static_cast<uint64_t>(*seq), n));
        MAMORI_ASSIGN_OR_RETURN(auto root, root_of(n));
        const auto leaf = audit::EventLeafHash(*ev);
        nlohmann::json hashes = nlohmann::json::array();
        for (const auto& h : path) hashes.push_back(Hex(h));
        out = {{"type", "inclusion"},
               {"seq", *seq},
               {"tree_size", n},
               {"leaf_hash", Hex(leaf)},
               {"root", Hex(root)},
               {"proof", hashes},
               {"event", audit::EventToJson(*ev)},
               {"verified",
                audit::merkle::VerifyInclusion(static_cast<uint64_t>(*seq), n, leaf, path, root)
                    .ok()}};
      } else if (*from >= 0) {
        const uint64_t second = *to >= 0 ? static_cast<uint64_t>(*to) : current.size;
        MAMORI_ASSIGN_OR_RETURN(auto path,
                                audit::ConsistencyProof(txn, static_cast<uint64_t>(*from), second));
        MAMORI_ASSIGN_OR_RETURN(auto first_root, root_of(static_cast<uint64_t>(*from)));
        MAMORI_ASSIGN_OR_RETURN(auto second_root, root_of(second));
        nlohmann::json hashes = nlohmann::json::array();
        for (const auto& h : path) hashes.push_back(Hex(h));
        out = {{"type", "consistency"},
               {"first_size", *from},
               {"second_size", second},
               {"first_root", Hex(first_root)},
               {"second_root", Hex(second_root)},
               {"proof", hashes},
               {"verified", audit::merkle::VerifyConsistency(static_cast<uint64_t>(*from), second,
                                                             first_root, second_root, path)
                                .ok()}};
      } else {
        return Status::InvalidArgument(
            "give --seq N for an inclusion proof or --from N for a consistency proof",
            "--seq (包含証明) か --from (一貫性証明) を指定してください");
      }
      PrintJson(out);
      return Status::Ok();
    });
  });

  auto* events = audit_cmd->add_subcommand("events", "query audit events / 監査イベントの検索");
  auto ev_flags = std::make_shared<StoreFlags>();
  auto filter = std::make_shared<audit::EventFilter>();
  auto since = std::make_shared<std::string>();
  auto until = std::make_shared<std::string>();
  ev_flags->AddTo(events);
  events->add_option("--actor", filter->actor, "actor id");
  events->add_option("--dataset", filter->dataset, "dataset");
  events->add_option("--operation", filter->operation, "operation, e.g. record.get");
  events->add_option("--result", filter->result, "ok, refused or error");
  events->add_option("--since", *since, "UTC time, e.g. 2026-11-22T00:00:00Z");
  events->add_option("--until", *until, "UTC time (exclusive)");
  events->add_option("--from-seq", filter->from_seq, "first sequence number");
  events->add_option("--limit", filter->limit, "most events (0: all)")->capture_default_str();
  events->callback([ev_flags, filter, since, until, &exit_code] {
    for (auto [text, slot] :
         {std::pair{since.get(), &filter->since}, std::pair{until.get(), &filter->until}}) {
      if (text->empty()) continue;
      auto t = ParseUtc(*text);
      if (!t) {
        exit_code = ReportError(
            Status::InvalidArgument("--since/--until must be UTC times like 2026-11-22T00:00:00Z",
                                    "--since/--until は 2026-11-22T00:00:00Z 形式のUTC時刻です"));
        return;
      }
      *slot = t;
    }
    WithLog(*ev_flags, exit_code, [&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(auto found, audit::Query(txn, *filter));
      nlohmann::json out = nlohmann::json::array();
      for (const auto& ev : found) out.push_back(audit::EventToJson(ev));
      PrintJson(out);
      return Status::Ok();
    });
  });
}

}  // namespace mamori::cli
