// core: value types shared by every module — the one Status/Result type,
// JST time, hex/base64 codecs. Nothing here knows about storage, crypto or I/O.
//
// Status carries a stable machine code, an English and a Japanese message and,
// where it concerns one, the subject (field, purpose, dataset) that was wrong.
// Messages never contain personal values: they name fields, never contents.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace mamori {

enum class Code {
  kOk = 0,
  kInvalidArgument,     // bad input from the caller; nothing changed
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // creating something that exists
  kPermissionDenied,    // refused by a rule (purpose, role, terminal)
  kUnauthenticated,     // identity could not be established (wrong key, bad password)
  kFailedPrecondition,  // the state does not allow this (shredded record, stranded data)
  kDataLoss,            // integrity failure: authentication tag, signature or hash mismatch
  kIoError,             // the file system or database failed
  kUnavailable,         // try again later (busy, shutting down)
  kInternal,            // a bug
};

// Stable lower-case name of a code, e.g. "invalid_argument".
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message, std::string message_ja = {}, std::string subject = {})
      : code_(code),
        message_(std::move(message)),
        message_ja_(std::move(message_ja)),
        subject_(std::move(subject)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kInvalidArgument, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status NotFound(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kNotFound, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status AlreadyExists(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kAlreadyExists, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status PermissionDenied(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kPermissionDenied, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status Unauthenticated(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kUnauthenticated, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status FailedPrecondition(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kFailedPrecondition, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status DataLoss(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kDataLoss, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status IoError(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kIoError, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status Unavailable(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kUnavailable, std::move(en), std::move(ja), std::move(subject)};
  }
  static Status Internal(std::string en, std::string ja = {}, std::string subject = {}) {
    return {Code::kInternal, std::move(en), std::move(ja), std::move(subject)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // Japanese message; falls back to the English one when none was given.
  const std::string& message_ja() const { return message_ja_.empty() ? message_ : message_ja_; }
  const std::string& subject() const { return subject_; }

  // "invalid_argument: <en> / <ja>" for logs and the CLI.
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string message_ja_;
  std::string subject_;
};

template <class T>
using Result = std::expected<T, Status>;

// Lets one `return Fail(status);` serve functions returning Status and Result<T>.
struct Fail {
  explicit Fail(Status s) : status(std::move(s)) {}
  Status status;
  operator Status() && { return std::move(status); }  // NOLINT(google-explicit-constructor)
  template <class T>
  operator Result<T>() && {  // NOLINT(google-explicit-constructor)
    return std::unexpected(std::move(status));
  }
};

inline Status StatusOf(const Status& s) { return s; }
template <class T>
Status StatusOf(const Result<T>& r) {
  return r.has_value() ? Status() : r.error();
}

}  // namespace mamori

#define MAMORI_CONCAT_INNER(a, b) a##b
#define MAMORI_CONCAT(a, b) MAMORI_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define MAMORI_RETURN_IF_ERROR(expr)                                            \
  do {                                                                          \
    ::mamori::Status mamori_status_ = ::mamori::StatusOf((expr));               \
    if (!mamori_status_.ok()) return ::mamori::Fail(std::move(mamori_status_)); \
  } while (0)

// `MAMORI_ASSIGN_OR_RETURN(auto x, Compute());` binds the value or returns the error.
#define MAMORI_ASSIGN_OR_RETURN(lhs, expr)                                             \
  auto MAMORI_CONCAT(mamori_result_, __LINE__) = (expr);                               \
  if (!MAMORI_CONCAT(mamori_result_, __LINE__))                                        \
    return ::mamori::Fail(std::move(MAMORI_CONCAT(mamori_result_, __LINE__)).error()); \
  lhs = std::move(*MAMORI_CONCAT(mamori_result_, __LINE__))
