#include "exchange/node.h"

#include "audit/audited.h"
#include "core/encoding.h"
#include "crypto/cms_seal.h"
#include "crypto/random.h"
#include "exchange/datasets.h"
#include "exchange/message.h"

namespace mamori::exchange {

using nlohmann::json;

Node::Node(engine::Engine& engine, NodeConfig config)
    : engine_(engine),
      config_(std::move(config)),
      connections_(engine.data_store()),
      provisions_(engine.data_store()) {}

Node::~Node() = default;

Result<std::unique_ptr<Node>> Node::Open(engine::Engine& engine, NodeConfig config) {
  if (config.location != kJapan) {
    return Fail(Status::InvalidArgument(
        "a node keeps its data and keys in Japan: location must be JP",
        "ノードのデータと鍵は国内に置きます: location は JP です", std::string(kLocationRefused)));
  }
  std::unique_ptr<Node> node(new Node(engine, std::move(config)));
  MAMORI_ASSIGN_OR_RETURN(node->identity_, EnsureNodeIdentity(node->config_.dir, node->config_.name,
                                                              node->config_.hosts));
  MAMORI_ASSIGN_OR_RETURN(auto cert,
                          crypto::RecipientCertificate::Parse(node->identity_.certificate_pem));
  node->certificate_ = std::move(cert);
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes pem, node->PrivateKeyPem());
  MAMORI_ASSIGN_OR_RETURN(auto key, crypto::EcdsaP256PrivateKey::FromPem(pem));
  node->signing_key_ = std::make_unique<crypto::EcdsaP256PrivateKey>(std::move(key));
  return node;
}

Result<crypto::SecretBytes> Node::PrivateKeyPem() const {
  return ReadPrivateKeyPem(identity_.private_key_path);
}

Status Node::EnsureDataset(const engine::Context& ctx) {
  auto existing = engine_.Definition(RoleDataset(config_.role));
  if (existing) return Status::Ok();
  auto created = engine_.CreateDataset(ctx, RoleDatasetDefinition(config_.role));
  return created ? Status::Ok() : created.error();
}

Result<std::string> Node::Seal(const Connection& to, std::string_view plaintext) const {
  MAMORI_ASSIGN_OR_RETURN(auto recipient, crypto::RecipientCertificate::Parse(to.certificate));
  MAMORI_RETURN_IF_ERROR(recipient.Usable(NowMicros()));
  MAMORI_ASSIGN_OR_RETURN(std::string der, crypto::SealToRecipient(plaintext, recipient));
  return json{{"sealed", Base64Encode(der)}}.dump();
}

Result<crypto::SecretBytes> Node::Open(std::string_view body) const {
  auto bad = [] {
    return Status::InvalidArgument("the body is not a sealed message",
                                   "本文は封をされたメッセージではありません", "sealed");
  };
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.size() != 1 || !j.contains("sealed") ||
      !j["sealed"].is_string()) {
    return Fail(bad());
  }
  auto der = Base64Decode(j["sealed"].get<std::string>());
  if (!der) return Fail(bad());
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, PrivateKeyPem());
  return crypto::OpenSealed(*der, key, *certificate_);
}

Status Node::Refuse(const engine::Context& ctx, std::string_view operation,
                    std::string_view connection, std::string_view kind, const Status& why,
                    const std::map<std::string, std::string>& attrs) {
  audit::Event ev;
  ev.time = ctx.time ? ctx.time : NowMicros();
  ev.actor = audit::EventIdentifier(ctx.actor);
  ev.terminal = audit::EventIdentifier(ctx.terminal);
  ev.request_id = audit::EventIdentifier(ctx.request_id);
  ev.operation = std::string(operation);
  ev.result = std::string(audit::kResultOk);
  if (!connection.empty()) ev.attrs["connection"] = audit::EventIdentifier(connection);
  if (!kind.empty()) ev.attrs["kind"] = audit::EventIdentifier(kind);
  for (const auto& [k, v] : attrs) ev.attrs[k] = audit::EventIdentifier(v);
  return audit::AuditRefusal(engine_.data_store(), std::move(ev), why);
}

Result<std::vector<std::string>> Node::UpsertRecords(const engine::Context& ctx,
                                                     std::string_view dataset, const json& records,
                                                     engine::PutBatchOptions options) {
  options.match_field = "account_code";
  MAMORI_ASSIGN_OR_RETURN(auto written, engine_.PutBatch(ctx, dataset, records, options));
  std::vector<std::string> ids;
  for (const auto& w : written) ids.push_back(w.id);
  return ids;
}

Result<std::vector<json>> Node::ReadAccounts(const engine::Context& ctx, std::string_view dataset,
                                             const std::vector<std::string>& accounts,
                                             std::vector<std::string>* record_ids) {
  MAMORI_ASSIGN_OR_RETURN(auto views, engine_.GetBatch(ctx, dataset, "account_code", accounts));
  std::vector<json> values;
  record_ids->clear();
  for (auto& v : views) {
    record_ids->push_back(v ? v->id : "");
    values.push_back(v ? std::move(v->values) : json());
  }
  return values;
}

Result<bool> Node::Notify(const engine::Context& ctx, const Connection& c, bool suspended) {
  internal::Payload p;
  p.kind = std::string(kNotice);
  p.from = config_.name;
  p.to = c.counterpart;
  p.location = config_.location;
  MAMORI_ASSIGN_OR_RETURN(std::string raw, crypto::RandomBytes(8));
  p.idempotency_key = HexEncode(raw);
  p.legal_basis = c.legal_basis;
  p.sent_at = ctx.time ? ctx.time : NowMicros();
  p.state = suspended ? "suspended" : "active";
  const std::string plaintext = json{{"message", internal::EncodePayload(p)}}.dump();
  bool delivered = false;
  Status why = Status::Unavailable("no transport or no url for the counterpart",
                                   "相手方への通知手段がありません", "exchange.not_notified");
  if (transport_ != nullptr && !c.url.empty()) {
    auto body = Seal(c, plaintext);
    if (body) {
      auto reply = transport_->Post(c, "/v1/exchange/notice", *body);
      if (reply && reply->status == 200) {
        delivered = true;
      } else if (!reply) {
        why = reply.error();
      } else {
        why = Status::Unavailable("the counterpart refused the notice",
                                  "相手方が通知を受け付けませんでした", "exchange.not_notified");
      }
    } else {
      why = body.error();
    }
  }
  audit::Event ev;
  ev.time = ctx.time ? ctx.time : NowMicros();
  ev.actor = audit::EventIdentifier(ctx.actor);
  ev.terminal = audit::EventIdentifier(ctx.terminal);
  ev.request_id = audit::EventIdentifier(ctx.request_id);
  ev.operation = "exchange.notice_sent";
  ev.result = std::string(audit::kResultOk);
  ev.attrs = {{"connection", c.id}, {"counterpart", c.counterpart}, {"state", p.state}};
  if (delivered) {
    MAMORI_RETURN_IF_ERROR(audit::RunAudited(
        engine_.data_store(), std::move(ev),
        audit::Effect{[](store::WriteTxn&, audit::Event&, bool&) { return Status::Ok(); }}));
  } else {
    // Not delivered: recorded as an error of the notice (the suspension
    // itself stands); the responsible person tells the counterpart by the
    // contacts agreed ([001 第2 4(2)イ]).
    Status s = audit::AuditRefusal(engine_.data_store(), std::move(ev), why);
    if (s.code() == Code::kIoError && s.subject() != why.subject()) return Fail(s);
  }
  return delivered;
}

Result<Node::Switched> Node::Suspend(const engine::Context& ctx, std::string_view id,
                                     std::string_view reason) {
  MAMORI_ASSIGN_OR_RETURN(Connection c, connections_.Suspend(ctx, id, reason));
  MAMORI_ASSIGN_OR_RETURN(bool notified, Notify(ctx, c, true));
  return Switched{std::move(c), notified};
}

Result<Node::Switched> Node::Resume(const engine::Context& ctx, std::string_view id,
                                    std::string_view reason) {
  MAMORI_ASSIGN_OR_RETURN(Connection c, connections_.Resume(ctx, id, reason));
  MAMORI_ASSIGN_OR_RETURN(bool notified, Notify(ctx, c, false));
  return Switched{std::move(c), notified};
}

}  // namespace mamori::exchange
