// The connection register (電算結合の記録): connections stored in the data
// store, each change written with its audit event in one transaction
// (docs/ARCHITECTURE.md decision 1, audit/audited.h).
//
//   Add      "connection.add": registers a connection (connection.h) whose
//            `approval` is an approved request of the connection flow for
//            exactly this id (approval/flows.h, checked in the same
//            transaction); an existing id is kAlreadyExists.
//   Suspend  "connection.suspend": the kill switch ([001 第2 4(2)]): from
//            this commit on nothing is sent or accepted on it — the next
//            handshake of the counterpart is refused. Only the connection's
//            responsible person, or the local operator at the server's
//            console ("os:…"), suspends or resumes; anyone else is refused
//            ("connection.not_responsible"). `reason` is a code.
//   Resume   "connection.resume": the reverse, by the same people.
//   SetCounterpartSuspended  "exchange.notice": the counterpart told us it
//            suspended (or resumed) its side.
// Refusals are audited with their reason as the event's subject; nothing
// changes. Events carry the connection id, the counterpart node name, the
// approval id and codes: no personal data (a connection holds none).
//
// Reads are not audited here: the API audits the request that asks. Every
// method is safe to call from several threads and processes (each one a
// storage transaction).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "engine/context.h"
#include "exchange/connection.h"
#include "exchange/node_identity.h"
#include "store/storage.h"

namespace mamori::exchange {

inline constexpr std::string_view kNotResponsible = "connection.not_responsible";
// A peer certificate that matches no connection's pin.
inline constexpr std::string_view kUnpinnedPeer = "exchange.unpinned_peer";

class Connections {
 public:
  // `storage` must outlive this object.
  explicit Connections(store::Storage& storage) : storage_(storage) {}

  Result<Connection> Add(const engine::Context& ctx, const nlohmann::json& definition);
  Result<Connection> Suspend(const engine::Context& ctx, std::string_view id,
                             std::string_view reason);
  Result<Connection> Resume(const engine::Context& ctx, std::string_view id,
                            std::string_view reason);
  Result<Connection> SetCounterpartSuspended(const engine::Context& ctx, std::string_view id,
                                             bool suspended);

  static Result<std::optional<Connection>> Read(store::ReadTxn& txn, std::string_view id);
  // kNotFound naming "connection".
  Result<Connection> Get(std::string_view id);
  // In id order.
  Result<std::vector<Connection>> List();
  // The connection whose pin the presented certificate matches, when it is
  // usable at `now` (Connection::Usable); else kPermissionDenied with the
  // subject kUnpinnedPeer or Usable's. Reads the store on every call, so a
  // suspension takes effect at the next handshake, in every process.
  Result<Connection> ForPeer(const PeerCertificate& presented, TimeMicros now);

 private:
  Result<Connection> Change(const engine::Context& ctx, std::string_view operation,
                            std::string_view id, std::string_view reason,
                            const std::function<Status(Connection&)>& change);
  store::Storage& storage_;
};

}  // namespace mamori::exchange
