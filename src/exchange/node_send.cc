// Node::Send: the outbound half of an exchange (node.h).
#include "audit/audited.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "exchange/datasets.h"
#include "exchange/message.h"
#include "exchange/node.h"
#include "exchange/receipt.h"

namespace mamori::exchange {

using nlohmann::json;

namespace {

constexpr std::string_view kOutbox = "exchange/outbox/";

std::string OutboxKey(std::string_view connection, std::string_view kind, std::string_view key) {
  return std::string(kOutbox) + std::string(connection) + "/" + std::string(kind) + "/" +
         std::string(key);
}

// What a sent message is, kept under its key until the exchange is
// recorded: the sealed body (ciphertext to the counterpart) and facts.
struct Pending {
  std::string body;
  ReceiptFacts facts;
  json receipt;
  std::vector<std::string> items;
  std::vector<std::string> records;
};

json PendingJson(const Pending& p) {
  return {{"body", p.body},
          {"receipt", p.receipt},
          {"items", p.items},
          {"records", p.records},
          {"facts", CanonicalReceipt(p.facts)}};
}

Status MalformedAnswer() {
  return Status::DataLoss("the counterpart's answer is malformed",
                          "相手方の応答の形式が正しくありません", "answer");
}

}  // namespace

Result<Outcome> Node::Send(const engine::Context& in_ctx, std::string_view connection_id,
                           std::string_view kind, const std::vector<std::string>& accounts,
                           const std::vector<std::string>& items, std::string key) {
  engine::Context ctx = engine::WithTime(in_ctx);
  ctx.purpose = std::string(kExchangePurpose);
  const std::string op = "exchange.send";
  auto refuse = [&](const Status& why, const std::map<std::string, std::string>& attrs = {}) {
    return Fail(Refuse(ctx, op, connection_id, kind, why, attrs));
  };
  if (transport_ == nullptr) {
    return Fail(Status::FailedPrecondition("the node has no transport", "送信手段がありません"));
  }
  if (key.empty()) {
    MAMORI_ASSIGN_OR_RETURN(std::string raw, crypto::RandomBytes(12));
    key = HexEncode(raw);
  }
  if (!IsIdempotencyKey(key)) {
    return refuse(Status::InvalidArgument("idempotency_key must be [A-Za-z0-9_-], 1 to 64",
                                          "idempotency_key は英数字・_・- の 1〜64 文字です",
                                          "idempotency_key"));
  }
  auto found = connections_.Get(connection_id);
  if (!found) return refuse(found.error());
  const Connection c = std::move(*found);
  if (Status s = c.Usable(ctx.time); !s.ok()) return refuse(s);
  if (c.counterpart_suspended) {
    return refuse(Status::PermissionDenied("the counterpart has suspended this connection",
                                           "相手方がこの接続を停止しています",
                                           std::string(kCounterpartSuspended)));
  }
  const ItemFlow* flow = c.Sends(kind);
  if (flow == nullptr || (kind != kNotification && kind != kRequest && kind != kTransfer)) {
    return refuse(
        Status::PermissionDenied("the connection does not send " + audit::EventIdentifier(kind),
                                 "この接続は " + audit::EventIdentifier(kind) + " を送信しません",
                                 std::string(kFlowNotApproved)));
  }
  const std::vector<std::string>& sent_items = kind == kRequest ? flow->items : items;
  if (sent_items.empty() || accounts.empty()) {
    return refuse(Status::InvalidArgument("name at least one account and one item",
                                          "口座と項目を 1 つ以上指定してください", "items"));
  }
  if (accounts.size() > engine::kMaxBatchRecords) {
    // The receiver stores a message in one transaction (Engine::PutBatch).
    return refuse(Status::InvalidArgument(
        "a message names at most " + std::to_string(engine::kMaxBatchRecords) + " accounts",
        "1 つのメッセージで指定できる口座は " + std::to_string(engine::kMaxBatchRecords) +
            " 件までです",
        "accounts"));
  }
  for (const auto& item : sent_items) {
    if (std::find(flow->items.begin(), flow->items.end(), item) == flow->items.end()) {
      return refuse(
          Status::PermissionDenied(
              "a field outside the connection's approved item list was refused",
              "接続で承認された項目以外の項目は送受信できません", std::string(kItemNotApproved)),
          {{"field", item}});
    }
  }

  // Already recorded: the exchange happened; nothing is sent again.
  std::optional<ProvisionRecord> done;
  std::optional<std::string> kept;
  MAMORI_RETURN_IF_ERROR(engine_.data_store().View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(done, Provisions::FindIn(txn, c.id, "sent", kind, key));
    MAMORI_ASSIGN_OR_RETURN(kept, txn.Get(OutboxKey(c.id, kind, key)));
    return Status::Ok();
  }));
  if (done) {
    // The key names one message: the same key for other accounts or items
    // is a caller's mistake, refused rather than answered as a repeat.
    if (done->items != sent_items || done->count != accounts.size()) {
      return refuse(Status::FailedPrecondition("the idempotency key was used for another message",
                                               "この冪等キーは別のメッセージに使用済みです",
                                               std::string(kIdempotencyConflict)));
    }
    Outcome out;
    out.sent = *done;
    out.repeated = true;
    if (kind == kRequest) {
      auto received = provisions_.List(c.id);
      if (received) {
        for (auto& r : *received) {
          if (r.direction == "received" && r.kind == kProvision && r.idempotency_key == key) {
            out.received = r;
          }
        }
      }
    }
    return out;
  }

  Pending pending;
  if (kept) {
    // Sent before and not recorded (a crash, a lost answer): the same bytes
    // again, so that the receiver recognises them.
    json j = json::parse(*kept, nullptr, false);
    if (j.is_discarded()) return Fail(MalformedAnswer());
    pending.body = j.at("body");
    pending.receipt = j.at("receipt");
    pending.items = j.at("items").get<std::vector<std::string>>();
    pending.records = j.at("records").get<std::vector<std::string>>();
    auto own = PeerCertificate{};
    auto parsed = ParsePeerCertificate(identity_.certificate_pem);
    if (!parsed) return Fail(parsed.error());
    own = *parsed;
    MAMORI_ASSIGN_OR_RETURN(pending.facts, VerifyReceipt(pending.receipt, own));
  } else {
    internal::Payload p;
    p.kind = std::string(kind);
    p.from = config_.name;
    p.to = c.counterpart;
    p.location = config_.location;
    p.idempotency_key = key;
    p.legal_basis = c.legal_basis;
    p.sent_at = ctx.time;
    p.items = sent_items;
    if (kind == kRequest) {
      for (const auto& account : accounts) p.records.push_back({{"account_code", account}});
    } else {
      // Every account of the message read in one audited transaction.
      std::vector<std::string> record_ids;
      auto read = ReadAccounts(ctx, flow->dataset, accounts, &record_ids);
      if (!read) return Fail(read.error());
      for (size_t i = 0; i < accounts.size(); ++i) {
        const json& values = (*read)[i];
        if (values.is_null()) {
          return refuse(Status::NotFound("an account named is not in " + flow->dataset,
                                         "指定された口座は " + flow->dataset + " にありません",
                                         "account_code"));
        }
        json record = json::object();
        for (const auto& item : sent_items) {
          if (values.contains(item) && values[item].is_string()) record[item] = values[item];
        }
        p.records.push_back(std::move(record));
        pending.records.push_back(record_ids[i]);
      }
      for (auto& values : *read) {
        if (!values.is_object()) continue;
        for (auto& [k, v] : values.items()) {
          if (v.is_string()) crypto::WipeString(v.get_ref<std::string&>());
        }
      }
    }
    std::string message = internal::EncodePayload(p);
    pending.items = sent_items;
    pending.facts = ReceiptFacts{"sender",
                                 p.kind,
                                 p.from,
                                 p.to,
                                 key,
                                 internal::DigestHex(message),
                                 p.records.size(),
                                 internal::JoinItems(sent_items),
                                 c.legal_basis,
                                 ctx.time};
    MAMORI_ASSIGN_OR_RETURN(pending.receipt, SignReceipt(pending.facts, *signing_key_));
    std::string plaintext = json{{"message", message}, {"receipt", pending.receipt}}.dump();
    auto sealed = Seal(c, plaintext);
    crypto::WipeString(plaintext);
    crypto::WipeString(message);
    for (auto& r : p.records) {
      for (auto& [k, v] : r.items()) {
        if (v.is_string()) crypto::WipeString(v.get_ref<std::string&>());
      }
    }
    if (!sealed) return Fail(sealed.error());
    pending.body = std::move(*sealed);
    // Kept before it leaves: a crash from here on resends these bytes.
    MAMORI_RETURN_IF_ERROR(engine_.data_store().Update([&](store::WriteTxn& txn) -> Status {
      return txn.Put(OutboxKey(c.id, kind, key), PendingJson(pending).dump());
    }));
  }

  auto reply = transport_->Post(c, "/v1/exchange/" + std::string(kind), pending.body);
  if (!reply) return refuse(reply.error());
  if (reply->status != 200) {
    // The counterpart refused (and audited) it; its problem names the code.
    json problem = json::parse(reply->body, nullptr, false);
    std::string code = "exchange.refused_by_counterpart";
    if (!problem.is_discarded() && problem.is_object() && problem.contains("subject") &&
        problem["subject"].is_string()) {
      code = audit::EventIdentifier(problem["subject"].get<std::string>());
    }
    const bool permanent = reply->status >= 400 && reply->status < 500;
    if (permanent) {
      // Refused for good: the kept message is dropped, so the key may be
      // used again for a corrected message.
      (void)engine_.data_store().Update(
          [&](store::WriteTxn& txn) -> Status { return txn.Delete(OutboxKey(c.id, kind, key)); });
    }
    return refuse(Status::PermissionDenied("the counterpart refused the message (" + code + ")",
                                           "相手方がメッセージを拒否しました (" + code + ")", code),
                  {{"status", std::to_string(reply->status)}});
  }
  auto opened = Open(reply->body);
  if (!opened) return refuse(opened.error());
  json answer = json::parse(opened->view(), nullptr, false);
  if (answer.is_discarded() || !answer.is_object() || !answer.contains("receipt")) {
    return refuse(MalformedAnswer());
  }
  MAMORI_ASSIGN_OR_RETURN(PeerCertificate peer, ParsePeerCertificate(c.certificate));
  auto theirs = VerifyReceipt(answer["receipt"], peer);
  if (!theirs) return refuse(theirs.error());
  if (theirs->role != "receiver" || !SameExchange(*theirs, pending.facts)) {
    return refuse(Status::DataLoss("the counterpart's receipt does not describe what was sent",
                                   "相手方の受領の証跡が送信内容と一致しません", "receipt"));
  }

  Outcome out;
  out.sent.connection = c.id;
  out.sent.counterpart = c.counterpart;
  out.sent.direction = "sent";
  out.sent.kind = std::string(kind);
  out.sent.items = pending.items;
  out.sent.count = pending.facts.count;
  out.sent.time = pending.facts.time;
  out.sent.legal_basis = c.legal_basis;
  out.sent.idempotency_key = key;
  out.sent.digest = pending.facts.digest;
  out.sent.receipt = pending.receipt;
  out.sent.counterpart_receipt = answer["receipt"];
  out.sent.records = pending.records;

  // A request's answer: the provision, checked like any inbound message.
  json provision_ack;
  if (kind == kRequest) {
    const ItemFlow* in_flow = c.Receives(kProvision);
    if (in_flow == nullptr || !answer.contains("provision") || !answer["provision"].is_object()) {
      return refuse(Status::PermissionDenied("the connection receives no provision",
                                             "この接続は提供を受信しません",
                                             std::string(kFlowNotApproved)));
    }
    const json& prov = answer["provision"];
    if (!prov.contains("message") || !prov["message"].is_string() || !prov.contains("receipt")) {
      return refuse(MalformedAnswer());
    }
    const std::string message = prov["message"].get<std::string>();
    auto payload = internal::DecodePayload(message);
    if (!payload) return refuse(payload.error());
    if (payload->location != kJapan) {
      return refuse(Status::PermissionDenied("the counterpart declares a location other than JP",
                                             "相手方が国外の所在を宣言しています",
                                             std::string(kLocationRefused)));
    }
    std::string field;
    if (Status s = CheckItems(*in_flow, payload->records, &field); !s.ok()) {
      return refuse(s, {{"field", field}});
    }
    auto sender = VerifyReceipt(prov["receipt"], peer);
    if (!sender) return refuse(sender.error());
    const ReceiptFacts expect{"sender",
                              std::string(kProvision),
                              c.counterpart,
                              config_.name,
                              key,
                              internal::DigestHex(message),
                              payload->records.size(),
                              internal::JoinItems(payload->items),
                              c.legal_basis,
                              0};
    if (sender->role != "sender" || !SameExchange(*sender, expect) || payload->kind != kProvision ||
        payload->from != c.counterpart || payload->to != config_.name ||
        payload->idempotency_key != key) {
      return refuse(Status::DataLoss("the provision's receipt does not describe it",
                                     "提供の証跡が提供内容と一致しません", "receipt"));
    }
    auto ids = UpsertRecords(ctx, in_flow->dataset, payload->records);
    if (!ids) return refuse(ids.error());
    ReceiptFacts mine = *sender;
    mine.role = "receiver";
    mine.time = ctx.time;
    MAMORI_ASSIGN_OR_RETURN(json my_receipt, SignReceipt(mine, *signing_key_));
    ProvisionRecord got;
    got.connection = c.id;
    got.counterpart = c.counterpart;
    got.direction = "received";
    got.kind = std::string(kProvision);
    got.items = payload->items;
    got.count = payload->records.size();
    got.time = ctx.time;
    got.legal_basis = c.legal_basis;
    got.idempotency_key = key;
    got.digest = sender->digest;
    got.receipt = my_receipt;
    got.counterpart_receipt = prov["receipt"];
    got.records = *ids;
    out.received = std::move(got);
    provision_ack = my_receipt;
  }

  audit::Event ev;
  ev.time = ctx.time;
  ev.actor = audit::EventIdentifier(ctx.actor);
  ev.terminal = audit::EventIdentifier(ctx.terminal);
  ev.request_id = audit::EventIdentifier(ctx.request_id);
  ev.operation = op;
  ev.result = std::string(audit::kResultOk);
  ev.attrs = {{"connection", c.id},
              {"counterpart", c.counterpart},
              {"kind", std::string(kind)},
              {"count", std::to_string(out.sent.count)},
              {"legal_basis", c.legal_basis}};
  MAMORI_RETURN_IF_ERROR(
      audit::RunAudited(engine_.data_store(), std::move(ev),
                        audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
                          MAMORI_RETURN_IF_ERROR(Provisions::WriteIn(txn, out.sent));
                          e.attrs["provision"] = out.sent.id;
                          if (out.received) {
                            MAMORI_RETURN_IF_ERROR(Provisions::WriteIn(txn, *out.received));
                            e.attrs["provision_received"] = out.received->id;
                          }
                          return txn.Delete(OutboxKey(c.id, kind, key));
                        }}));

  if (!provision_ack.is_null()) {
    // The transfer institution's record of its provision gets our receipt.
    // Best effort: a lost one leaves that record without it, which its
    // register shows, and a repeat of the request brings it again.
    json ack = {{"kind", kProvision}, {"idempotency_key", key}, {"receipt", provision_ack}};
    auto body = Seal(c, ack.dump());
    if (body) (void)transport_->Post(c, "/v1/exchange/receipt", *body);
  }
  return out;
}

}  // namespace mamori::exchange
