// Errors as application/problem+json (RFC 9457). Every problem has a stable
// machine `code` that clients and scripts may branch on, an English `title`
// and a Japanese `title_ja` fixed per code, a `detail` (and `detail_ja`)
// about this occurrence, and the HTTP `status`. Details come from Status
// messages, which by contract name fields and purposes but never contain a
// personal value (core/status.h).
//
//   {"type": "urn:mamori:problem:purpose_required", "code": "purpose_required",
//    "title": "A purpose is required", "title_ja": "利用目的の指定が必要です",
//    "status": 400, "detail": "...", "detail_ja": "...", "subject": "purpose",
//    "request_id": "…"}
#pragma once

#include <string>
#include <string_view>

#include "api/request.h"
#include "core/status.h"

namespace mamori::api {

// Codes the API adds to those of mamori::Code (CodeName); stable.
namespace problem_code {
inline constexpr std::string_view kPurposeRequired = "purpose_required";             // 400
inline constexpr std::string_view kPurposeNotRegistered = "purpose_not_registered";  // 403
inline constexpr std::string_view kMalformedJson = "malformed_json";                 // 400
inline constexpr std::string_view kUnknownParameter = "unknown_parameter";           // 400
inline constexpr std::string_view kBadRequest = "bad_request";                       // 400
inline constexpr std::string_view kUnsupportedMediaType = "unsupported_media_type";  // 415
inline constexpr std::string_view kPayloadTooLarge = "payload_too_large";            // 413
inline constexpr std::string_view kHeaderTooLarge = "header_too_large";              // 431
inline constexpr std::string_view kRouteNotFound = "route_not_found";                // 404
inline constexpr std::string_view kMethodNotAllowed = "method_not_allowed";          // 405
inline constexpr std::string_view kNotReady = "not_ready";                           // 503
inline constexpr std::string_view kRateLimited = "rate_limited";                     // 429
}  // namespace problem_code

struct Problem {
  int status = 500;
  std::string code;
  std::string detail;
  std::string detail_ja;
  std::string subject;  // the parameter, field or purpose at fault, if one
  // For the server log only, never sent: the original message of an
  // io_error or internal Status (which names no personal value either).
  std::string log_detail;
  // Set when the refusal has already been written to the audit log by the
  // part that decided it (engine, identity, policy); the server audits the
  // others itself (auth.h RequestAuditor).
  bool audited = false;
  // Seconds after which the client may try again (a Retry-After header,
  // RFC 9110 §10.2.3); 0 for none. Set on 429 and on a busy 503.
  unsigned retry_after = 0;

  // A problem with one of the codes above or a CodeName.
  static Problem Make(std::string_view code, std::string detail, std::string detail_ja,
                      std::string subject = {});
  // The HTTP rendering of an engine Status: invalid_argument 400,
  // unauthenticated 401, permission_denied 403, not_found 404, already_exists
  // and failed_precondition 409, unavailable 503, data_loss / io_error /
  // internal 500. The details of io_error and internal are replaced by a
  // generic sentence (they may name server paths); the server logs them.
  static Problem FromStatus(const Status& status);
};

// HTTP status of a code; 500 for an unknown one.
int HttpStatusOf(std::string_view code);
// The fixed English and Japanese titles of a code.
std::string_view TitleOf(std::string_view code);
std::string_view TitleJaOf(std::string_view code);

// The problem+json response, stamped with the request id.
Response ProblemResponse(const Problem& problem, std::string_view request_id);

}  // namespace mamori::api
