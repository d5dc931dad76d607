#include "exchange/connections.h"

#include "approval/flows.h"
#include "audit/audited.h"

namespace mamori::exchange {

namespace {

constexpr std::string_view kPrefix = "exchange/connection/";

std::string Key(std::string_view id) { return std::string(kPrefix) + std::string(id); }

audit::Event MakeEvent(const engine::Context& ctx, std::string_view operation,
                       std::string_view id) {
  audit::Event ev;
  ev.time = ctx.time ? ctx.time : NowMicros();
  ev.actor = audit::EventIdentifier(ctx.actor);
  ev.terminal = audit::EventIdentifier(ctx.terminal);
  ev.request_id = audit::EventIdentifier(ctx.request_id);
  ev.operation = std::string(operation);
  ev.result = std::string(audit::kResultOk);
  if (!id.empty()) ev.attrs["connection"] = audit::EventIdentifier(id);
  return ev;
}

Status NotFound(std::string_view id) {
  const std::string shown = audit::EventIdentifier(id);
  return Status::NotFound("no connection " + shown, "接続 " + shown + " はありません",
                          "connection");
}

}  // namespace

Result<std::optional<Connection>> Connections::Read(store::ReadTxn& txn, std::string_view id) {
  MAMORI_ASSIGN_OR_RETURN(auto raw, txn.Get(Key(id)));
  if (!raw) return std::optional<Connection>();
  MAMORI_ASSIGN_OR_RETURN(Connection c, FromStoredJson(*raw));
  return std::optional<Connection>(std::move(c));
}

Result<Connection> Connections::Add(const engine::Context& ctx, const nlohmann::json& definition) {
  const TimeMicros now = ctx.time ? ctx.time : NowMicros();
  std::string id;
  if (definition.is_object() && definition.contains("id") && definition["id"].is_string()) {
    id = definition["id"].get<std::string>();
  }
  audit::Event ev = MakeEvent(ctx, "connection.add", id);
  ev.time = now;
  Connection out;
  Status s = audit::RunAudited(
      storage_, std::move(ev),
      audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        MAMORI_ASSIGN_OR_RETURN(Connection c, ParseConnection(definition));
        e.attrs["counterpart"] = c.counterpart;
        e.attrs["approval"] = audit::EventIdentifier(c.approval);
        e.attrs["direction"] = c.direction;
        e.attrs["legal_basis"] = c.legal_basis;
        MAMORI_ASSIGN_OR_RETURN(auto existing, Read(txn, c.id));
        if (existing) {
          return Status::AlreadyExists("connection " + c.id + " exists",
                                       "接続 " + c.id + " は既にあります", "connection");
        }
        MAMORI_RETURN_IF_ERROR(approval::CheckConnectionApproval(txn, c.approval, c.id, now));
        c.state = ConnectionState::kActive;
        c.created_at = now;
        c.created_by = ctx.actor;
        MAMORI_RETURN_IF_ERROR(txn.Put(Key(c.id), ToJson(c).dump()));
        out = std::move(c);
        return Status::Ok();
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Connection> Connections::Change(const engine::Context& ctx, std::string_view operation,
                                       std::string_view id, std::string_view reason,
                                       const std::function<Status(Connection&)>& change) {
  const TimeMicros now = ctx.time ? ctx.time : NowMicros();
  audit::Event ev = MakeEvent(ctx, operation, id);
  ev.time = now;
  if (!reason.empty()) ev.attrs["reason_code"] = audit::EventIdentifier(reason);
  Connection out;
  Status s = audit::RunAudited(
      storage_, std::move(ev),
      audit::Effect{[&](store::WriteTxn& txn, audit::Event& e, bool&) -> Status {
        if (!reason.empty() && !IsIdentifier(reason)) {
          return Status::InvalidArgument("reason must be a code ([a-z0-9_-])",
                                         "reason はコード (英小文字・数字・_・-) です", "reason");
        }
        MAMORI_ASSIGN_OR_RETURN(auto found, Read(txn, id));
        if (!found) return NotFound(id);
        Connection c = std::move(*found);
        e.attrs["counterpart"] = c.counterpart;
        MAMORI_RETURN_IF_ERROR(change(c));
        c.changed_at = now;
        c.changed_by = ctx.actor;
        c.state_reason = std::string(reason);
        MAMORI_RETURN_IF_ERROR(txn.Put(Key(c.id), ToJson(c).dump()));
        out = std::move(c);
        return Status::Ok();
      }});
  if (!s.ok()) return Fail(s);
  return out;
}

Result<Connection> Connections::Suspend(const engine::Context& ctx, std::string_view id,
                                        std::string_view reason) {
  return Change(ctx, "connection.suspend", id, reason, [&](Connection& c) -> Status {
    if (ctx.actor != c.responsible && !ctx.actor.starts_with("os:")) {
      return Status::PermissionDenied("only the connection's responsible person suspends it",
                                      "接続を停止できるのは接続の責任者のみです",
                                      std::string(kNotResponsible));
    }
    if (c.state == ConnectionState::kSuspended) {
      return Status::FailedPrecondition("connection " + c.id + " is already suspended",
                                        "接続 " + c.id + " は既に停止されています",
                                        "connection.already_suspended");
    }
    c.state = ConnectionState::kSuspended;
    return Status::Ok();
  });
}

Result<Connection> Connections::Resume(const engine::Context& ctx, std::string_view id,
                                       std::string_view reason) {
  return Change(ctx, "connection.resume", id, reason, [&](Connection& c) -> Status {
    if (ctx.actor != c.responsible && !ctx.actor.starts_with("os:")) {
      return Status::PermissionDenied("only the connection's responsible person resumes it",
                                      "接続を再開できるのは接続の責任者のみです",
                                      std::string(kNotResponsible));
    }
    if (c.state == ConnectionState::kActive) {
      return Status::FailedPrecondition("connection " + c.id + " is not suspended",
                                        "接続 " + c.id + " は停止されていません",
                                        "connection.not_suspended");
    }
    c.state = ConnectionState::kActive;
    return Status::Ok();
  });
}

Result<Connection> Connections::SetCounterpartSuspended(const engine::Context& ctx,
                                                        std::string_view id, bool suspended) {
  return Change(ctx, "exchange.notice", id,
                suspended ? "counterpart_suspended" : "counterpart_resumed",
                [&](Connection& c) -> Status {
                  c.counterpart_suspended = suspended;
                  return Status::Ok();
                });
}

Result<Connection> Connections::Get(std::string_view id) {
  std::optional<Connection> found;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(found, Read(txn, id));
    return Status::Ok();
  }));
  if (!found) return Fail(NotFound(id));
  return std::move(*found);
}

Result<std::vector<Connection>> Connections::List() {
  std::vector<Connection> out;
  MAMORI_RETURN_IF_ERROR(storage_.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto rows, txn.Scan(kPrefix, store::PrefixEnd(kPrefix), 0));
    for (const auto& row : rows) {
      MAMORI_ASSIGN_OR_RETURN(Connection c, FromStoredJson(row.value));
      out.push_back(std::move(c));
    }
    return Status::Ok();
  }));
  return out;
}

Result<Connection> Connections::ForPeer(const PeerCertificate& presented, TimeMicros now) {
  MAMORI_ASSIGN_OR_RETURN(auto all, List());
  // A certificate may be pinned by several connections (a node that both
  // sends and receives on separate records): the first usable one admits.
  Status first_refusal = Status::PermissionDenied(
      "the peer's certificate matches no connection's pin",
      "相手方の証明書はどの接続のピンとも一致しません", std::string(kUnpinnedPeer));
  bool matched = false;
  for (auto& c : all) {
    if (!PinMatches(c.pin, presented)) continue;
    Status usable = c.Usable(now);
    if (usable.ok()) return std::move(c);
    if (!matched) first_refusal = usable;
    matched = true;
  }
  return Fail(first_refusal);
}

}  // namespace mamori::exchange
