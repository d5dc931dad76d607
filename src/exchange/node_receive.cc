// Node::Receive: the inbound half of an exchange (node.h).
#include "audit/audited.h"
#include "core/encoding.h"
#include "crypto/random.h"
#include "exchange/datasets.h"
#include "exchange/message.h"
#include "exchange/node.h"
#include "exchange/receipt.h"

namespace mamori::exchange {

using nlohmann::json;

struct Node::Inbound {
  engine::Context ctx;
  Connection c;
  PeerCertificate peer;
  std::string kind;
  crypto::SecretBytes plaintext;
};

namespace {

Status MalformedMessage() {
  return Status::InvalidArgument("the message is malformed", "メッセージの形式が正しくありません",
                                 "message");
}

bool Holds(std::string_view holdings, std::string_view issuer) {
  size_t start = 0;
  while (start <= holdings.size()) {
    size_t end = holdings.find(',', start);
    if (end == std::string_view::npos) end = holdings.size();
    if (holdings.substr(start, end - start) == issuer) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

Result<std::string> Node::Receive(std::string_view peer_der, std::string_view kind,
                                  std::string_view body) {
  engine::Context ctx;
  ctx.actor = "peer:unknown";
  ctx.purpose = std::string(kExchangePurpose);
  ctx = engine::WithTime(ctx);
  MAMORI_ASSIGN_OR_RETURN(std::string rid, crypto::RandomBytes(8));
  ctx.request_id = HexEncode(rid);
  const std::string op = "exchange.receive";
  auto peer = ParsePeerCertificate(peer_der);
  if (!peer) return Fail(Refuse(ctx, op, "", kind, peer.error()));
  ctx.terminal = "cert:" + peer->certificate_sha256.substr(7);
  const bool flow_kind = IsFlowKind(kind);
  if (!flow_kind && kind != kNotice && kind != "receipt") {
    return Fail(Refuse(ctx, op, "", "(invalid)",
                       Status::NotFound("no such exchange message kind",
                                        "そのような交換の種類はありません", "kind")));
  }
  // The connection pinned to this certificate that receives this kind.
  MAMORI_ASSIGN_OR_RETURN(auto all, connections_.List());
  std::optional<Connection> chosen;
  Status why = Status::PermissionDenied("the peer's certificate matches no connection's pin",
                                        "相手方の証明書はどの接続のピンとも一致しません",
                                        std::string(kUnpinnedPeer));
  for (auto& c : all) {
    if (!PinMatches(c.pin, *peer)) continue;
    if (Status s = c.Usable(ctx.time); !s.ok()) {
      why = s;
      continue;
    }
    const bool fits = flow_kind ? c.Receives(kind) != nullptr
                                : (kind == kNotice || c.Sends(kProvision) != nullptr);
    if (!fits) {
      why = Status::PermissionDenied("the connection does not receive " + std::string(kind),
                                     "この接続は " + std::string(kind) + " を受信しません",
                                     std::string(kFlowNotApproved));
      continue;
    }
    chosen = std::move(c);
    break;
  }
  if (!chosen) return Fail(Refuse(ctx, op, "", kind, why));
  Inbound in{ctx, std::move(*chosen), std::move(*peer), std::string(kind), {}};
  in.ctx.actor = "peer:" + in.c.id;
  auto opened = Open(body);
  if (!opened) return Fail(Refuse(in.ctx, op, in.c.id, kind, opened.error()));
  in.plaintext = std::move(*opened);
  return Answer(in);
}

Result<std::string> Node::Answer(Inbound& in) {
  const Connection& c = in.c;
  const std::string op = "exchange.receive";
  auto refuse = [&](const Status& why, const std::map<std::string, std::string>& attrs = {}) {
    return Fail(Refuse(in.ctx, op, c.id, in.kind, why, attrs));
  };
  json envelope = json::parse(in.plaintext.view(), nullptr, false);
  if (envelope.is_discarded() || !envelope.is_object()) return refuse(MalformedMessage());

  if (in.kind == "receipt") {
    // The issuer's receipt of a provision: attached to our record of it.
    if (!envelope.contains("idempotency_key") || !envelope["idempotency_key"].is_string() ||
        !envelope.contains("receipt")) {
      return refuse(MalformedMessage());
    }
    const std::string key = envelope["idempotency_key"];
    auto theirs = VerifyReceipt(envelope["receipt"], in.peer);
    if (!theirs) return refuse(theirs.error());
    audit::Event ev;
    ev.time = in.ctx.time;
    ev.actor = in.ctx.actor;
    ev.terminal = in.ctx.terminal;
    ev.request_id = in.ctx.request_id;
    ev.operation = "exchange.receipt";
    ev.result = std::string(audit::kResultOk);
    ev.attrs = {{"connection", c.id}, {"counterpart", c.counterpart}, {"kind", "provision"}};
    MAMORI_RETURN_IF_ERROR(audit::RunAudited(
        engine_.data_store(), std::move(ev),
        audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
          MAMORI_ASSIGN_OR_RETURN(auto rec, Provisions::FindIn(txn, c.id, "sent", kProvision, key));
          if (!rec) {
            return Status::NotFound("no provision with this idempotency key",
                                    "この冪等キーの提供はありません", "provision");
          }
          MAMORI_ASSIGN_OR_RETURN(ReceiptFacts ours, VerifyReceipt(rec->receipt, [&] {
                                    auto own = ParsePeerCertificate(identity_.certificate_pem);
                                    return own ? *own : PeerCertificate{};
                                  }()));
          if (theirs->role != "receiver" || !SameExchange(ours, *theirs)) {
            return Status::DataLoss("the receipt does not describe the provision",
                                    "受領の証跡が提供内容と一致しません", "receipt");
          }
          e.attrs["provision"] = rec->id;
          rec->counterpart_receipt = envelope["receipt"];
          return Provisions::ReplaceIn(txn, *rec);
        }}));
    return json{{"receipt", "recorded"}}.dump();
  }

  if (!envelope.contains("message") || !envelope["message"].is_string()) {
    return refuse(MalformedMessage());
  }
  std::string message = envelope["message"].get<std::string>();
  auto payload = internal::DecodePayload(message);
  if (!payload) return refuse(payload.error());
  internal::Payload& p = *payload;
  if (p.kind != in.kind || p.from != c.counterpart || p.to != config_.name) {
    return refuse(Status::PermissionDenied(
        "the message is not from this connection's counterpart to this node",
        "メッセージの送信元または宛先が接続と一致しません", "exchange.wrong_party"));
  }
  if (p.location != kJapan) {
    return refuse(Status::PermissionDenied("the counterpart declares a location other than JP",
                                           "相手方が国外の所在を宣言しています",
                                           std::string(kLocationRefused)));
  }
  if (p.legal_basis != c.legal_basis) {
    return refuse(Status::PermissionDenied(
        "the message names another legal basis than the connection's",
        "メッセージの法令上の根拠が接続と一致しません", "exchange.legal_basis"));
  }
  if (!IsIdempotencyKey(p.idempotency_key)) return refuse(MalformedMessage());

  if (in.kind == kNotice) {
    if (p.state != "suspended" && p.state != "active") return refuse(MalformedMessage());
    engine::Context ctx = in.ctx;
    MAMORI_RETURN_IF_ERROR(
        StatusOf(connections_.SetCounterpartSuspended(ctx, c.id, p.state == "suspended")));
    return json{{"notice", "recorded"}}.dump();
  }

  const ItemFlow& flow = *c.Receives(in.kind);
  std::string field;
  if (Status s = CheckItems(flow, p.records, &field); !s.ok()) {
    return refuse(s, {{"field", field}});
  }
  for (const auto& item : p.items) {
    if (std::find(flow.items.begin(), flow.items.end(), item) == flow.items.end()) {
      return refuse(
          Status::PermissionDenied(
              "a field outside the connection's approved item list was refused",
              "接続で承認された項目以外の項目は送受信できません", std::string(kItemNotApproved)),
          {{"field", item}});
    }
  }
  if (!envelope.contains("receipt")) return refuse(MalformedMessage());
  auto sender = VerifyReceipt(envelope["receipt"], in.peer);
  if (!sender) return refuse(sender.error());
  const ReceiptFacts expect{"sender",
                            p.kind,
                            p.from,
                            p.to,
                            p.idempotency_key,
                            internal::DigestHex(message),
                            p.records.size(),
                            internal::JoinItems(p.items),
                            c.legal_basis,
                            0};
  if (sender->role != "sender" || !SameExchange(*sender, expect)) {
    return refuse(Status::DataLoss("the sender's receipt does not describe the message",
                                   "送信元の証跡がメッセージと一致しません", "receipt"));
  }

  // Recorded already: the answer first given, and nothing stored again.
  std::optional<ProvisionRecord> done;
  MAMORI_RETURN_IF_ERROR(engine_.data_store().View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(done,
                            Provisions::FindIn(txn, c.id, "received", in.kind, p.idempotency_key));
    return Status::Ok();
  }));
  if (done) {
    if (done->digest != sender->digest) {
      return refuse(Status::FailedPrecondition("the idempotency key was used for another message",
                                               "この冪等キーは別のメッセージに使用済みです",
                                               std::string(kIdempotencyConflict)));
    }
    return done->answer;
  }

  engine::Context ctx = in.ctx;
  ProvisionRecord received;
  received.connection = c.id;
  received.counterpart = c.counterpart;
  received.direction = "received";
  received.kind = in.kind;
  received.items = p.items;
  received.count = p.records.size();
  received.time = ctx.time;
  received.legal_basis = c.legal_basis;
  received.idempotency_key = p.idempotency_key;
  received.digest = sender->digest;
  received.counterpart_receipt = envelope["receipt"];
  ReceiptFacts mine = *sender;
  mine.role = "receiver";
  mine.time = ctx.time;
  MAMORI_ASSIGN_OR_RETURN(received.receipt, SignReceipt(mine, *signing_key_));
  json answer = {{"receipt", received.receipt}};
  std::optional<ProvisionRecord> provided;

  if (in.kind == kRequest) {
    const ItemFlow* out_flow = c.Sends(kProvision);
    if (out_flow == nullptr) {
      return refuse(Status::PermissionDenied("the connection provides nothing",
                                             "この接続は提供を行いません",
                                             std::string(kFlowNotApproved)));
    }
    // Entitlement first, for every holder named: a request naming one
    // holder the issuer may not ask for is refused whole.
    internal::Payload answer_payload;
    answer_payload.kind = std::string(kProvision);
    answer_payload.from = config_.name;
    answer_payload.to = c.counterpart;
    answer_payload.location = config_.location;
    answer_payload.idempotency_key = p.idempotency_key;
    answer_payload.legal_basis = c.legal_basis;
    answer_payload.sent_at = ctx.time;
    answer_payload.items = out_flow->items;
    const Status not_entitled =
        Status::PermissionDenied("the issuer is not entitled to a holder named in the request",
                                 "求めに含まれる加入者について発行者は提供を受ける資格がありません",
                                 std::string(kNotEntitled));
    std::vector<std::string> accounts;
    for (const auto& r : p.records) {
      const std::string account = r.value("account_code", "");
      if (account.empty()) return refuse(not_entitled);
      accounts.push_back(account);
    }
    // Every holder named read in one audited transaction.
    std::vector<std::string> read_ids;
    auto read = accounts.empty() ? Result<std::vector<json>>(std::vector<json>())
                                 : ReadAccounts(ctx, out_flow->dataset, accounts, &read_ids);
    if (!read) return refuse(read.error());
    for (const json& values : *read) {
      const bool entitled = values.is_object() && values.contains("holdings") &&
                            values["holdings"].is_string() &&
                            Holds(values["holdings"].get<std::string>(), c.issuer_code);
      if (!entitled) return refuse(not_entitled);
      json record = json::object();
      for (const auto& item : out_flow->items) {
        if (values.contains(item) && values[item].is_string()) record[item] = values[item];
      }
      answer_payload.records.push_back(std::move(record));
    }
    std::string provision_message = internal::EncodePayload(answer_payload);
    ProvisionRecord sent;
    sent.connection = c.id;
    sent.counterpart = c.counterpart;
    sent.direction = "sent";
    sent.kind = std::string(kProvision);
    sent.items = out_flow->items;
    sent.count = answer_payload.records.size();
    sent.time = ctx.time;
    sent.legal_basis = c.legal_basis;
    sent.idempotency_key = p.idempotency_key;
    sent.digest = internal::DigestHex(provision_message);
    sent.records = read_ids;
    const ReceiptFacts facts{"sender",
                             sent.kind,
                             config_.name,
                             c.counterpart,
                             sent.idempotency_key,
                             sent.digest,
                             sent.count,
                             internal::JoinItems(sent.items),
                             c.legal_basis,
                             ctx.time};
    MAMORI_ASSIGN_OR_RETURN(sent.receipt, SignReceipt(facts, *signing_key_));
    answer["provision"] = {{"message", provision_message}, {"receipt", sent.receipt}};
    crypto::WipeString(provision_message);
    received.records = read_ids;
    provided = std::move(sent);
  }
  crypto::WipeString(message);

  std::string plain = answer.dump();
  auto sealed = Seal(c, plain);
  crypto::WipeString(plain);
  if (!sealed) return refuse(sealed.error());
  received.answer = *sealed;

  const std::map<std::string, std::string> attrs = {{"connection", c.id},
                                                    {"counterpart", c.counterpart},
                                                    {"kind", in.kind},
                                                    {"count", std::to_string(received.count)},
                                                    {"legal_basis", c.legal_basis}};
  bool raced = false;
  // The record of the message, written in the transaction of its event
  // (and, for a notification or transfer, of the records it stores).
  auto record = [&](store::WriteTxn& txn, audit::Event& e) -> Status {
    MAMORI_ASSIGN_OR_RETURN(
        auto again, Provisions::FindIn(txn, c.id, "received", in.kind, received.idempotency_key));
    if (again) {
      // The same message arrived twice at once: the other answered.
      raced = true;
      return Status::AlreadyExists("recorded by a concurrent delivery",
                                   "同時に届いた同じメッセージで記録済みです", "provision");
    }
    MAMORI_RETURN_IF_ERROR(Provisions::WriteIn(txn, received));
    e.attrs["provision"] = received.id;
    if (provided) {
      MAMORI_RETURN_IF_ERROR(Provisions::WriteIn(txn, *provided));
      e.attrs["provision_sent"] = provided->id;
    }
    return Status::Ok();
  };
  Status s;
  if (provided) {
    audit::Event ev;
    ev.time = ctx.time;
    ev.actor = ctx.actor;
    ev.terminal = ctx.terminal;
    ev.request_id = ctx.request_id;
    ev.operation = op;
    ev.result = std::string(audit::kResultOk);
    ev.attrs = attrs;
    s = audit::RunAudited(engine_.data_store(), std::move(ev),
                          audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) {
                            return record(txn, e);
                          }});
  } else {
    // One transaction for the message: its records, an event for each, its
    // provision record and its event. A refusal of any record is the
    // message's refusal, audited as it (the batch's event is this
    // operation's, with these attributes), and stores nothing.
    engine::PutBatchOptions options;
    options.operation = op;
    options.attrs = attrs;
    options.also = [&](store::WriteTxn& txn, audit::Event& e,
                       const std::vector<engine::WriteResult>& written) -> Status {
      received.records.clear();
      for (const auto& w : written) received.records.push_back(w.id);
      return record(txn, e);
    };
    s = StatusOf(UpsertRecords(ctx, flow.dataset, p.records, std::move(options)));
  }
  if (raced) {
    std::optional<ProvisionRecord> first;
    MAMORI_RETURN_IF_ERROR(engine_.data_store().View([&](store::ReadTxn& txn) -> Status {
      MAMORI_ASSIGN_OR_RETURN(
          first, Provisions::FindIn(txn, c.id, "received", in.kind, received.idempotency_key));
      return Status::Ok();
    }));
    if (!first || first->digest != received.digest) return Fail(s);
    return first->answer;
  }
  if (!s.ok()) return Fail(s);
  return received.answer;
}

}  // namespace mamori::exchange
