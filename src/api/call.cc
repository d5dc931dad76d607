#include "api/call.h"

#include <charconv>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "policy/decision.h"

namespace mamori::api {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsJsonMediaType(std::string_view content_type) {
  const std::string lower = AsciiLower(content_type);
  std::string_view rest = lower;
  size_t semi = rest.find(';');
  if (Trim(rest.substr(0, semi)) != "application/json") return false;
  while (semi != std::string_view::npos) {
    rest.remove_prefix(semi + 1);
    semi = rest.find(';');
    const std::string_view param = Trim(rest.substr(0, semi));
    if (!param.empty() && param != "charset=utf-8" && param != "charset=\"utf-8\"") return false;
  }
  return true;
}

// Nesting depth of arrays and objects outside strings; -1 past `limit`.
int JsonDepth(std::string_view text, int limit) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return -1;
      max_depth = std::max(max_depth, depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

// The top-level member whose value holds the number that made parsing
// `text` fail with out_of_range; "body" when it is not inside an object
// member. Parsing again with a callback only on this error path keeps the
// ordinary parse at full speed.
std::string MemberOutOfRange(const std::string& text) {
  std::string member = "body";
  // Without exceptions: the parse stops at the failure the caller already
  // knows of, and `member` then names its place.
  [[maybe_unused]] const auto discarded = nlohmann::json::parse(
      text,
      [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed.is_string()) {
          member = parsed.get<std::string>();
        }
        return true;
      },
      /*allow_exceptions=*/false);
  return member;
}

}  // namespace

engine::Context Call::Context(std::string_view purpose) const {
  engine::Context ctx;
  ctx.purpose = std::string(purpose);
  ctx.request_id = request.info.request_id;
  if (principal) {
    ctx.actor = principal->id;
    if (!principal->terminal.id.empty()) {
      ctx.terminal = principal->terminal.id;
    } else if (!principal->terminal.fingerprint.empty()) {
      ctx.terminal = "cert:" + principal->terminal.fingerprint;
    }
  }
  if (ctx.terminal.empty() && !request.info.peer.cert_sha256.empty()) {
    ctx.terminal = "cert:" + request.info.peer.cert_sha256;
  }
  if (ctx.terminal.empty()) ctx.terminal = "remote:" + request.info.peer.address;
  return ctx;
}

const std::string& Call::Param(std::string_view name) const {
  static const std::string kEmpty;
  auto it = request.params.find(name);
  return it == request.params.end() ? kEmpty : it->second;
}

std::optional<std::string_view> Call::Query(std::string_view name) const {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string Call::QueryText(std::string_view name) const {
  return std::string(Query(name).value_or(""));
}

std::string Call::Purpose() const {
  return spec && spec->purpose ? QueryText("purpose") : std::string();
}

policy::Caller CallerOf(const Call& call) {
  return policy::Caller{*call.principal, call.request.info.request_id, 0};
}

std::expected<uint64_t, Problem> QueryUint(const Call& call, std::string_view name,
                                           std::optional<uint64_t> fallback) {
  auto text = call.Query(name);
  if (!text || text->empty()) {
    if (fallback) return *fallback;
    return std::unexpected(Problem::Make(
        "invalid_argument", "query parameter '" + std::string(name) + "' is required",
        "クエリパラメータ '" + std::string(name) + "' が必要です", std::string(name)));
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return std::unexpected(Problem::Make(
        "invalid_argument", "query parameter '" + std::string(name) + "' must be a whole number",
        "クエリパラメータ '" + std::string(name) + "' は0以上の整数で指定してください",
        std::string(name)));
  }
  return value;
}

std::expected<std::string, Problem> QueryRequired(const Call& call, std::string_view name) {
  auto text = call.Query(name);
  if (!text || text->empty()) {
    return std::unexpected(Problem::Make(
        "invalid_argument", "query parameter '" + std::string(name) + "' is required",
        "クエリパラメータ '" + std::string(name) + "' が必要です", std::string(name)));
  }
  return std::string(*text);
}

std::expected<bool, Problem> QueryBool(const Call& call, std::string_view name) {
  auto v = call.Query(name);
  if (!v || v->empty() || *v == "false") return false;
  if (*v == "true") return true;
  return std::unexpected(Problem::Make(
      "invalid_argument", std::string(name) + " must be true or false",
      std::string(name) + " は true または false で指定してください", std::string(name)));
}

std::expected<std::optional<TimeMicros>, Problem> UtcArgument(std::string_view text,
                                                              const std::string& name) {
  if (text.empty()) return std::nullopt;
  auto t = ParseUtc(text);
  if (!t) {
    return std::unexpected(
        Problem::Make("invalid_argument", name + " must be a UTC time like 2026-11-22T00:00:00Z",
                      name + " は 2026-11-22T00:00:00Z 形式のUTC時刻で指定してください", name));
  }
  return *t;
}

std::expected<nlohmann::json, Problem> JsonBody(const Call& call) {
  auto content_type = call.request.info.Header("content-type");
  if (!content_type || !IsJsonMediaType(*content_type)) {
    return std::unexpected(Problem::Make(
        problem_code::kUnsupportedMediaType, "the request body must be application/json (UTF-8)",
        "リクエスト本文は application/json (UTF-8) で送ってください", "content-type"));
  }
  const std::string& body = call.request.body;
  if (JsonDepth(body, kMaxJsonDepth) < 0) {
    return std::unexpected(Problem::Make(
        problem_code::kMalformedJson,
        "the JSON body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels",
        "JSONの入れ子が " + std::to_string(kMaxJsonDepth) + " 段を超えています", "body"));
  }
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is a position; e.what() may quote input, so it is not used.
    return std::unexpected(Problem::Make(
        problem_code::kMalformedJson,
        "the body is not valid JSON (error at byte " + std::to_string(e.byte) + ")",
        "本文が正しいJSONではありません (" + std::to_string(e.byte) + " バイト目)", "body"));
  } catch (const nlohmann::json::exception&) {
    // Well-formed JSON that a double cannot hold (1e400): the member at
    // fault is named, never the number (its text is the client's).
    const std::string member = MemberOutOfRange(body);
    return std::unexpected(Problem::Make("invalid_argument",
                                         "'" + member + "' holds a number out of range",
                                         "'" + member + "' の数値が範囲外です", member));
  }
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Problem EngineProblem(const Status& status, const engine::Context& ctx) {
  if (status.code() == Code::kPermissionDenied) {
    if (ctx.purpose.empty() && status.subject() == "purpose") {
      Problem p = Problem::Make(problem_code::kPurposeRequired, status.message(),
                                status.message_ja(), "purpose");
      p.audited = true;
      return p;
    }
    if (!ctx.purpose.empty() && status.subject() == "purpose") {
      Problem p = Problem::Make(problem_code::kPurposeNotRegistered, status.message(),
                                status.message_ja(), "purpose");
      p.audited = true;
      return p;
    }
  }
  return AuditedProblem(status);
}

Problem AuditedProblem(const Status& status) {
  Problem p = Problem::FromStatus(status);
  p.audited = true;
  return p;
}

std::expected<void, Problem> Authorize(Authorizer& authorizer, const Call& call,
                                       const Action& action) {
  if (!call.principal) {
    return std::unexpected(
        Problem::Make("unauthenticated", "authentication is required", "認証が必要です"));
  }
  Action with_id = action;
  with_id.request_id = call.request.info.request_id;
  Status s = authorizer.Authorize(*call.principal, with_id);
  if (s.ok()) return {};
  if (s.subject() == policy::kPurposeRequired) {
    Problem p =
        Problem::Make(problem_code::kPurposeRequired, s.message(), s.message_ja(), "purpose");
    p.audited = true;
    return std::unexpected(std::move(p));
  }
  if (s.subject() == policy::kPurposeNotRegistered) {
    Problem p =
        Problem::Make(problem_code::kPurposeNotRegistered, s.message(), s.message_ja(), "purpose");
    p.audited = true;
    return std::unexpected(std::move(p));
  }
  return std::unexpected(AuditedProblem(s));
}

std::expected<void, Problem> AuthorizeRoute(Authorizer& authorizer, const Call& call) {
  const RouteSpec& spec = *call.spec;
  const std::string& operation =
      spec.OperationFor([&](const std::string& name) { return call.Query(name).has_value(); });
  switch (spec.guard) {
    case Guard::kPublic:
      return {};
    case Guard::kSession:
      // A session route acts on the caller's own session: an application
      // (certificate only) has none, and is refused here rather than by
      // whichever handler remembers to look.
      if (call.principal && call.principal->kind == identity::PrincipalKind::kUser &&
          !call.principal->session_id.empty()) {
        return {};
      }
      if (call.principal) {
        return std::unexpected(Problem::Make(
            "permission_denied", "this route acts on a person's session; an application has none",
            "このルートは利用者のセッションに対する操作です (アプリケーションにはありません)",
            "session"));
      }
      break;
    case Guard::kSystem: {
      Action action(operation);
      if (!spec.target.empty()) action.target = call.Param(spec.target);
      return Authorize(authorizer, call, action);
    }
    case Guard::kData: {
      const std::string purpose = call.Purpose();
      const std::string_view dataset =
          spec.dataset_query.empty() ? std::string_view(call.Param("ds"))
                                     : call.Query(spec.dataset_query).value_or(std::string_view{});
      return Authorize(authorizer, call, {operation, dataset, purpose, call.Param("id")});
    }
    case Guard::kPeer:
      // A peer node's route: only a principal the exchange listener
      // authenticated by a pinned certificate. A person's session or an
      // application's certificate never reaches it.
      if (call.principal && call.principal->kind == identity::PrincipalKind::kPeer) return {};
      return std::unexpected(Problem::Make(
          "permission_denied", "this route is for peer nodes on the exchange listener only",
          "このルートは交換用の受付で相手方ノードのみが利用できます", "peer"));
    case Guard::kUndeclared:
      break;
  }
  return std::unexpected(Problem::Make("permission_denied", "this route declares no right",
                                       "このルートには権限の宣言がありません"));
}

}  // namespace mamori::api
