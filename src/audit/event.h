// audit: the record of every operation, kept so that anyone holding a signed
// tree head can later prove it was not changed (docs/ARCHITECTURE.md decisions 1 and 4,
// docs/REQUIREMENTS.md §6). The folder owns
//   event.h   the event schema and its canonical (RFC 8785) bytes;
//   merkle.h  RFC 6962 Merkle tree math: hashes, proofs, their verification;
//   head.h    tree heads and signed tree heads;
//   log.h     the storage-backed log: append, heads, proofs, queries;
//   verify.h  offline verification of a whole stored log.
// audit depends on core, crypto and store only.
//
// Events never carry personal data: the subject is a keyed-hash reference and
// field values are never logged. Reads and refusals are events too.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/status.h"
#include "core/time.h"
#include "crypto/hash.h"

namespace mamori::audit {

inline constexpr std::string_view kResultOk = "ok";
inline constexpr std::string_view kResultRefused = "refused";
inline constexpr std::string_view kResultError = "error";

// The purpose an event records when the one stated is not registered for the
// dataset (or there is no dataset to register it): whatever was typed there
// never reaches the log, which cannot be shredded.
inline constexpr std::string_view kUnregisteredPurpose = "(unregistered)";

struct Event {
  TimeMicros time = 0;
  std::string actor;      // user, application or peer id
  std::string terminal;   // terminal id the request came from
  std::string purpose;    // registered purpose (利用目的) the operation was done for
  std::string operation;  // required, e.g. "record.read", "session.login"
  std::string dataset;
  std::string subject;  // keyed-hash reference to the person, lower-case hex; never a value
  std::string record;   // record id, or empty
  std::string result;   // required: kResultOk, kResultRefused or kResultError
  std::string code;     // CodeName() of the status when result is not "ok"
  std::string reason;   // non-personal detail, e.g. the name of the field that failed
  std::string request_id;
  std::map<std::string, std::string> attrs;  // extra non-personal attributes

  // Assigned by Append (log.h).
  uint64_t seq = 0;  // position in the log, from 0
  std::string prev;  // hex leaf hash of event seq-1; empty for the first event

  bool operator==(const Event&) const = default;
};

// What Append requires, checked before anything is written: operation set;
// result one of the three values; subject empty or lower-case hex (so that a
// name or number cannot be put there by mistake); time within years
// 1970..9999 so that it round-trips through FormatUtc; and
// CheckIdentifiersOnly. kInvalidArgument names the offending field.
Status ValidateEvent(const Event& ev);

// The one validator that events carry identifiers only, whoever writes them
// (engine, identity, policy, the server): every string member is printable
// ASCII without white space, quotes or backslashes, at most 256 bytes;
// attribute values may also be JSON of such values (1024 bytes). No text:
// a department, a position, a reason someone typed is named by a keyed
// reference or left to the record that holds it (a label such as a
// position can say anything about a person, and the log is never
// shredded). Nothing may hold a run of ten or more digits (the
// shape of a My Number, 法人番号, telephone or account number) unless it is a
// lower-case hex id of 16 characters or more. An event that fails is not
// written, so the operation it records fails: no personal value can reach
// the log by mistake, at the cost of refusing an id shaped like one.
Status CheckIdentifiersOnly(const Event& ev);

// Whether `text` holds a run of ten or more decimal digits (counted across
// hyphens; lower-case hex tokens of 16 or more characters excepted): the
// shape of a My Number, 法人番号, telephone or account number, which
// CheckIdentifiersOnly refuses anywhere in an event. For other records kept
// for good (a disposal record's reason) that must not hold one either.
bool HoldsPersonalNumber(std::string_view text);

// `value` when CheckIdentifiersOnly would accept it as a member, else
// "(invalid)": for what a caller typed where an id belongs, so that its
// refusal can still be recorded.
std::string EventIdentifier(std::string_view value);
// The same for an attribute value that may be JSON of ids (a mask scope).
std::string EventJsonAttr(std::string_view value);

// The canonical bytes that are stored and hashed: RFC 8785 JSON with members
//   actor attrs code dataset operation prev purpose reason record request_id
//   result seq subject terminal time
// where time is FormatUtc ("2026-11-22T03:04:05.123456Z"), seq a decimal
// integer and attrs an object of strings. Decision: empty strings and an empty
// attrs are omitted (absent and empty mean the same), while seq, time and
// result are always present. Invalid UTF-8 is replaced by U+FFFD (jcs.h), so
// the stored event may differ from `ev` in those bytes only.
std::string CanonicalJson(const Event& ev);

// The RFC 6962 leaf hash of CanonicalJson(ev): what an inclusion proof proves.
crypto::Digest EventLeafHash(const Event& ev);

// Parses stored event JSON (any member order and whitespace). Strict: invalid
// JSON, unknown members, wrong types or an unparsable time are kDataLoss,
// because for a stored event they mean the bytes are not what Append wrote.
Result<Event> ParseEvent(std::string_view json);

// The same shape as CanonicalJson, as a JSON value for the CLI and the API.
nlohmann::json EventToJson(const Event& ev);
// The inverse, equally strict; kInvalidArgument naming the offending member.
Result<Event> EventFromJson(const nlohmann::json& j);

}  // namespace mamori::audit
