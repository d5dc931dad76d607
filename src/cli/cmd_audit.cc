// audit commands. head, verify, proof and events read only the data store and
// need no key: an auditor can run them on a copy, without trusting the server.
// `audit key create` makes a signing key file to keep apart from the data.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "audit/log.h"
#include "audit/merkle.h"
#include "audit/trusted_head.h"
#include "audit/verify.h"
#include "cli/common.h"
#include "core/encoding.h"
#include "engine/data_store.h"
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
  if (!flags.store_uri.empty()) return engine::OpenDataStore(flags.MakePaths(), false);
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

// Replaces `path` with `text` so that a crash leaves the old file or the new
// one, never a mix: a temporary file beside it, fsynced, renamed over it,
// and the directory fsynced.
Status ReplaceFileDurably(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  const auto failed = [&](const std::string& what) {
    return Status::IoError("cannot " + what + " " + path + ": " + std::strerror(errno),
                           path + " を更新できません", "trusted-head");
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return failed("write");
  std::string_view rest = text;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return failed("write");
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return failed("sync");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return failed("replace");
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

nlohmann::json TrustedToJson(const audit::TrustedHeadReport& t,
                             const std::optional<uint64_t>& seen_heads) {
  nlohmann::json j = {{"ok", t.ok},
                      {"size", t.trusted.size},
                      {"root", Hex(t.trusted.root)},
                      {"key", t.trusted.key_fingerprint},
                      {"key_pinned", t.key_pinned},
                      {"current_size", t.current.size},
                      {"current_root", Hex(t.current.root)}};
  if (seen_heads) j["signed_heads_seen_before"] = *seen_heads;
  if (!t.ok) {
    j["problem"] = audit::ProblemName(t.problem);
    j["reason"] = t.reason;
    j["reason_ja"] = t.reason_ja;
  }
  return j;
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
  auto trusted_head = std::make_shared<std::string>();
  auto update_trusted = std::make_shared<bool>(false);
  verify_flags->AddTo(verify);
  verify->add_option(
      "--public-key", *public_key,
      "PEM public key to pin (the auditor's copy of audit-public-key.pem) / 検証に使う公開鍵");
  verify->add_option(
      "--trusted-head", *trusted_head,
      "a signed head kept outside the store (what `audit head --sign` or `serve` prints, a "
      "witness file, or a file --update-trusted-head wrote): the log must extend it / "
      "ストアの外に保管した署名付きツリーヘッド");
  verify->add_flag("--update-trusted-head", *update_trusted,
                   "after a verification that passed, replace --trusted-head with the log's "
                   "latest signed head and the number of signed heads seen / 検証成功後に更新");
  verify->callback([verify_flags, public_key, trusted_head, update_trusted, &exit_code] {
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
    if (*update_trusted && trusted_head->empty()) {
      exit_code = ReportError(Status::InvalidArgument(
          "--update-trusted-head needs --trusted-head FILE",
          "--update-trusted-head には --trusted-head FILE が必要です", "update-trusted-head"));
      return;
    }
    std::optional<audit::TrustedHeadFile> trusted;
    if (!trusted_head->empty()) {
      auto text = ReadInput(*trusted_head);
      if (!text) {
        exit_code = ReportError(text.error());
        return;
      }
      auto parsed = audit::ParseTrustedHead(*text);
      if (!parsed) {
        exit_code = ReportError(parsed.error());
        return;
      }
      trusted = std::move(*parsed);
    }
    WithLog(*verify_flags, exit_code, [&](store::ReadTxn& txn) -> Status {
      const audit::VerifyReport report = audit::VerifyLog(txn, pinned ? &*pinned : nullptr);
      nlohmann::json out = ReportToJson(report);
      bool ok = report.ok;
      const auto fail = [&](audit::Problem p, const std::string& en, const std::string& ja) {
        ok = false;
        out["ok"] = false;
        out["problem"] = audit::ProblemName(p);
        out["first_bad_seq"] = nullptr;
        out["reason"] = en;
        out["reason_ja"] = ja;
      };
      if (trusted) {
        // The same check `mamori serve` runs against its witness at start.
        const audit::TrustedHeadReport t =
            audit::CheckAgainstTrustedHead(txn, trusted->head, pinned ? &*pinned : nullptr);
        out["trusted_head"] = TrustedToJson(t, trusted->signed_heads);
        if (ok && !t.ok) {
          fail(t.problem, t.reason, t.reason_ja);
        } else if (ok && trusted->signed_heads && report.heads_checked < *trusted->signed_heads) {
          const std::string now = std::to_string(report.heads_checked);
          const std::string before = std::to_string(*trusted->signed_heads);
          fail(audit::Problem::kFewerSignedHeads,
               "the log has " + now + " signed heads, fewer than the " + before +
                   " a previous verification saw (" + *trusted_head +
                   "): signed heads were removed",
               "署名付きツリーヘッドが " + now + " 件で、以前の検証で確認した " + before +
                   " 件より少なくなっています（署名付きツリーヘッドの削除）");
        }
        if (ok && !t.key_pinned) {
          out["notes"].push_back(
              "the trusted head's signature was checked with the key the log stores for its "
              "fingerprint; pin the key with --public-key to prove who signed it");
          out["notes_ja"].push_back(
              "信頼するツリーヘッドの署名はログに保存された鍵で検証しました。署名者を証明するには "
              "--public-key で鍵を固定してください");
        }
        if (ok && *update_trusted) {
          MAMORI_ASSIGN_OR_RETURN(auto latest, audit::LatestSignedHead(txn));
          // Never moves back: a latest head older than the trusted one (heads
          // removed while events stayed) keeps the file as it was.
          const bool advance = latest && latest->size >= trusted->head.size;
          if (advance) {
            MAMORI_RETURN_IF_ERROR(ReplaceFileDurably(
                *trusted_head, audit::TrustedHeadFileJson(report.head, *latest,
                                                          report.heads_checked, NowMicros()) +
                                   "\n"));
          }
          out["trusted_head"]["updated"] = advance;
        }
      }
      PrintJson(out);
      if (!ok) {
        std::cerr << "mamori: audit log verification FAILED / 監査ログの検証に失敗しました: "
                  << out["reason"].get<std::string>() << " / "
                  << out["reason_ja"].get<std::string>() << "\n";
        exit_code = 1;
      }
      return Status::Ok();
    });
  });

  auto* key_cmd = audit_cmd->add_subcommand(
      "key", "the audit signing key kept apart from the data / 監査署名鍵");
  key_cmd->require_subcommand(1);
  auto* key_create = key_cmd->add_subcommand(
      "create",
      "generate a P-256 signing key into a new 0600 PEM file, for --audit-key-file / 署名鍵の生成");
  auto key_out = std::make_shared<std::string>();
  auto key_public_out = std::make_shared<std::string>();
  key_create->add_option("--out", *key_out, "the new key file (must not exist) / 鍵ファイル")
      ->required();
  key_create->add_option("--public-out", *key_public_out,
                         "also write the public key (PEM) here, for auditors / 公開鍵の出力先");
  key_create->callback([key_out, key_public_out, &exit_code] {
    auto pub = keys::CreateAuditKeyFile(*key_out);
    if (!pub) {
      exit_code = ReportError(pub.error());
      return;
    }
    if (!key_public_out->empty()) {
      std::ofstream pem(*key_public_out, std::ios::trunc);
      pem << pub->ToPem();
      if (!pem) {
        exit_code = ReportError(Status::IoError("cannot write " + *key_public_out,
                                                *key_public_out + " に書き込めません"));
        return;
      }
    }
    PrintJson({{"key_file", *key_out},
               {"fingerprint", pub->Fingerprint()},
               {"public_key", pub->ToPem()},
               {"message",
                "keep the key file apart from the data and the root key; give it with "
                "--audit-key-file from `mamori init` on, and give auditors the public key / "
                "鍵ファイルはデータとルート鍵から離して保管し、mamori init から --audit-key-file "
                "で指定してください。公開鍵は監査人に渡してください"}});
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
