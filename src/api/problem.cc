#include "api/problem.h"

#include <array>

#include <nlohmann/json.hpp>

namespace mamori::api {
namespace {

struct CodeInfo {
  std::string_view code;
  int status;
  std::string_view title;
  std::string_view title_ja;
};

constexpr std::array kCodes = {
    CodeInfo{"invalid_argument", 400, "Invalid request", "リクエストの内容が不正です"},
    CodeInfo{"not_found", 404, "Not found", "対象が見つかりません"},
    CodeInfo{"already_exists", 409, "Already exists", "既に存在します"},
    CodeInfo{"permission_denied", 403, "Permission denied", "権限がありません"},
    CodeInfo{"unauthenticated", 401, "Authentication required", "認証が必要です"},
    CodeInfo{"failed_precondition", 409, "Not allowed in the current state",
             "現在の状態では実行できません"},
    CodeInfo{"data_loss", 500, "Integrity check failed", "完全性の検証に失敗しました"},
    CodeInfo{"io_error", 500, "Storage error", "ストレージでエラーが発生しました"},
    CodeInfo{"unavailable", 503, "Service unavailable", "一時的に利用できません"},
    CodeInfo{"internal", 500, "Internal error", "内部エラーが発生しました"},
    CodeInfo{problem_code::kPurposeRequired, 400, "A purpose is required",
             "利用目的の指定が必要です"},
    CodeInfo{problem_code::kPurposeNotRegistered, 403, "Purpose not registered for this dataset",
             "利用目的がこの台帳に登録されていません"},
    CodeInfo{problem_code::kMalformedJson, 400, "Malformed JSON", "JSONの形式が不正です"},
    CodeInfo{problem_code::kUnknownParameter, 400, "Unknown query parameter",
             "不明なクエリパラメータです"},
    CodeInfo{problem_code::kBadRequest, 400, "Malformed HTTP request",
             "HTTPリクエストの形式が不正です"},
    CodeInfo{problem_code::kUnsupportedMediaType, 415, "Unsupported media type",
             "対応していないメディアタイプです"},
    CodeInfo{problem_code::kPayloadTooLarge, 413, "Request body too large",
             "リクエスト本文が大きすぎます"},
    CodeInfo{problem_code::kHeaderTooLarge, 431, "Request header fields too large",
             "リクエストヘッダーが大きすぎます"},
    CodeInfo{problem_code::kRouteNotFound, 404, "No such resource", "該当するAPIがありません"},
    CodeInfo{problem_code::kMethodNotAllowed, 405, "Method not allowed",
             "このメソッドは使用できません"},
    CodeInfo{problem_code::kNotReady, 503, "Not ready", "処理を受け付けられる状態ではありません"},
    CodeInfo{problem_code::kRateLimited, 429, "Too many requests",
             "リクエストが多すぎます。しばらくしてから再度お試しください"},
};

const CodeInfo* Find(std::string_view code) {
  for (const auto& info : kCodes) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

}  // namespace

int HttpStatusOf(std::string_view code) {
  const CodeInfo* info = Find(code);
  return info ? info->status : 500;
}

std::string_view TitleOf(std::string_view code) {
  const CodeInfo* info = Find(code);
  return info ? info->title : "Internal error";
}

std::string_view TitleJaOf(std::string_view code) {
  const CodeInfo* info = Find(code);
  return info ? info->title_ja : "内部エラーが発生しました";
}

Problem Problem::Make(std::string_view code, std::string detail, std::string detail_ja,
                      std::string subject) {
  Problem p;
  p.code = std::string(code);
  p.status = HttpStatusOf(code);
  p.detail = std::move(detail);
  p.detail_ja = std::move(detail_ja);
  p.subject = std::move(subject);
  return p;
}

Problem Problem::FromStatus(const Status& status) {
  const std::string_view code = CodeName(status.code());
  if (status.code() == Code::kIoError || status.code() == Code::kInternal) {
    Problem p =
        Make(code, "the server could not complete the request; the server log has the cause",
             "サーバで処理を完了できませんでした。原因はサーバのログにあります");
    p.log_detail = status.message();
    return p;
  }
  return Make(code, status.message(), status.message_ja(), status.subject());
}

Response ProblemResponse(const Problem& problem, std::string_view request_id) {
  nlohmann::json j = {
      {"type", "urn:mamori:problem:" + problem.code},
      {"code", problem.code},
      {"title", TitleOf(problem.code)},
      {"title_ja", TitleJaOf(problem.code)},
      {"status", problem.status},
      {"detail", problem.detail},
      {"detail_ja", problem.detail_ja.empty() ? problem.detail : problem.detail_ja}};
  if (!problem.subject.empty()) j["subject"] = problem.subject;
  if (!request_id.empty()) j["request_id"] = std::string(request_id);
  Response r;
  r.status = problem.status;
  r.content_type = "application/problem+json";
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (problem.retry_after > 0) {
    r.headers.emplace_back("Retry-After", std::to_string(problem.retry_after));
  }
  return r;
}

}  // namespace mamori::api
