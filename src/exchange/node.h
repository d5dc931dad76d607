// A node of the exchange: one mamori server in one of the three roles
// (connection.h), its identity (node_identity.h), its connection register
// (connections.h) and provision records (provisions.h), and the exchange
// itself over the engine's datasets (datasets.h).
//
// Outbound (Send): a notification or a transfer sends the named accounts'
// records, only the items asked for, which must all be in the connection's
// flow — an item outside it is refused and audited, never dropped; a
// request names accounts and receives their provision in the answer.
// Every message is JSON sealed to the counterpart's certificate
// (crypto/cms_seal.h) inside TLS, carries the sender's signed receipt, and
// is answered with the receiver's. The sealed message is kept (ciphertext
// only) under its idempotency key until the exchange is recorded, so a
// retry after a crash or a lost answer sends the same bytes, and the
// receiver, finding the key recorded, answers as it did the first time:
// nothing is lost, nothing is provided twice.
//
// An idempotency key already recorded for other accounts or items is
// refused ("exchange.idempotency_conflict"), not answered as a repeat.
//
// Inbound (Receive): the api pipeline has admitted the peer's certificate by
// its pin; Receive checks it again against the connection that receives
// the kind, opens the message, and refuses (audited as "exchange.receive",
// nothing stored) a sender or recipient other than the connection's, a
// location other than JP, a legal basis other than the connection's, a
// field outside the flow's items, a receipt that does not verify or does
// not describe the message, an idempotency key reused for other content
// ("exchange.idempotency_conflict"), and — at the transfer institution —
// a request naming any holder the issuer is not entitled to
// ("exchange.not_entitled": the holder is unknown or holds no issue of the
// connection's issuer_code; the whole request is refused, so that the
// answer says nothing about who is a holder).
//
// The kill switch (Suspend, Resume): the register's change, then a notice
// to the counterpart (its record shows counterpart_suspended, and it sends
// nothing until the resumption's notice); whether the notice arrived is
// audited ("exchange.notice_sent").
//
// Records exchanged are stored with the engine (upsert by account_code:
// a repeated message rewrites the same values), all the records of a
// message in one transaction with its provision record (Engine::PutBatch),
// so a message of at most engine::kMaxBatchRecords records. The audit events name
// connections, counterparts, kinds, counts and codes; never a value.
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/recipient_certificate.h"
#include "crypto/signature.h"
#include "engine/engine.h"
#include "exchange/connections.h"
#include "exchange/node_identity.h"
#include "exchange/provisions.h"
#include "exchange/transport.h"

namespace mamori::exchange {

inline constexpr std::string_view kLocationRefused = "exchange.location";
inline constexpr std::string_view kNotEntitled = "exchange.not_entitled";
inline constexpr std::string_view kFlowNotApproved = "exchange.flow_not_approved";
inline constexpr std::string_view kIdempotencyConflict = "exchange.idempotency_conflict";
inline constexpr std::string_view kCounterpartSuspended = "exchange.counterpart_suspended";

struct NodeConfig {
  std::string name;
  Role role = Role::kAccountManager;
  std::string location = std::string(kJapan);
  // Where node.crt and node.key are (made on first use): DATA/exchange.
  std::string dir;
  std::vector<std::string> hosts;  // extra names in the certificate
};

struct Outcome {
  ProvisionRecord sent;
  // A request's provision, as received and recorded here.
  std::optional<ProvisionRecord> received;
  // The idempotency key was recorded already: nothing was sent again.
  bool repeated = false;
};

class Node {
 public:
  // `engine` must outlive the node. kInvalidArgument for a location other
  // than JP: a node outside Japan is not started at all.
  static Result<std::unique_ptr<Node>> Open(engine::Engine& engine, NodeConfig config);
  ~Node();

  const NodeConfig& config() const { return config_; }
  const NodeIdentity& identity() const { return identity_; }
  Connections& connections() { return connections_; }
  Provisions& provisions() { return provisions_; }
  engine::Engine& engine() { return engine_; }
  // Must be set before Send, Suspend or Resume; must outlive the node.
  void SetTransport(Transport* transport) { transport_ = transport; }

  // Creates the role's dataset (datasets.h) when it is absent.
  Status EnsureDataset(const engine::Context& ctx);

  // `idempotency_key` empty: a fresh one. `items`: for notification and
  // transfer, the fields to send; for a request, ignored (a request names
  // accounts by the flow's items).
  Result<Outcome> Send(const engine::Context& ctx, std::string_view connection,
                       std::string_view kind, const std::vector<std::string>& accounts,
                       const std::vector<std::string>& items, std::string idempotency_key = {});

  // An inbound POST /v1/exchange/{kind} (kind also "notice" and "receipt")
  // from the peer presenting `peer` (DER); the answer's JSON body. Refusals
  // are audited and returned.
  Result<std::string> Receive(std::string_view peer_der, std::string_view kind,
                              std::string_view body);

  struct Switched {
    Connection connection;
    bool notified = false;
  };
  Result<Switched> Suspend(const engine::Context& ctx, std::string_view id,
                           std::string_view reason);
  Result<Switched> Resume(const engine::Context& ctx, std::string_view id, std::string_view reason);

  // The node's certificate and key, for the TLS contexts (api).
  const crypto::RecipientCertificate& certificate() const { return *certificate_; }
  Result<crypto::SecretBytes> PrivateKeyPem() const;

 private:
  Node(engine::Engine& engine, NodeConfig config);
  struct Inbound;

  Result<std::string> Answer(Inbound& in);
  // The records of one message, upserted by account_code in one engine
  // batch (Engine::PutBatch) with `options.also` — the message's provision
  // record — in the same transaction; the ids written, in order.
  Result<std::vector<std::string>> UpsertRecords(const engine::Context& ctx,
                                                 std::string_view dataset,
                                                 const nlohmann::json& records,
                                                 engine::PutBatchOptions options = {});
  // The stored values of each account (null: not stored) and, in
  // *record_ids, its record's id (empty: none): one engine batch read
  // (Engine::GetBatch), one transaction for a whole message.
  Result<std::vector<nlohmann::json>> ReadAccounts(const engine::Context& ctx,
                                                   std::string_view dataset,
                                                   const std::vector<std::string>& accounts,
                                                   std::vector<std::string>* record_ids);
  Status Refuse(const engine::Context& ctx, std::string_view operation, std::string_view connection,
                std::string_view kind, const Status& why,
                const std::map<std::string, std::string>& attrs = {});
  Result<bool> Notify(const engine::Context& ctx, const Connection& c, bool suspended);
  Result<std::string> Seal(const Connection& to, std::string_view plaintext) const;
  Result<crypto::SecretBytes> Open(std::string_view sealed_b64) const;

  engine::Engine& engine_;
  NodeConfig config_;
  NodeIdentity identity_;
  std::optional<crypto::RecipientCertificate> certificate_;
  std::unique_ptr<crypto::EcdsaP256PrivateKey> signing_key_;
  Connections connections_;
  Provisions provisions_;
  Transport* transport_ = nullptr;
};

}  // namespace mamori::exchange
