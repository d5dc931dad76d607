#include "engine/disposal_reason.h"

#include <array>
#include <string>

#include "audit/event.h"

namespace mamori::engine {
namespace {

constexpr std::array<DisposalReasonCode, 6> kCodes = {{
    {"retention_expired", "the retention period has expired", "保存期間満了", false},
    {"purpose_ended", "the purpose or the work it served has ended", "利用目的の達成・事務の終了",
     false},
    {"subject_request", "the person asked for erasure or an end of use",
     "本人からの消去・利用停止の請求", false},
    {"erroneous_entry", "registered in error", "誤登録", false},
    {"duplicate", "a duplicate of another record", "重複登録", false},
    {"other", "another reason, recorded where the reference points", "その他 (参照先に記録)", true},
}};

bool ReferenceChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// Stricter than the event validator, which lets a long hex run through as
// a random id: a reference is typed by a person, and a 16-digit card number
// is all hex digits.
bool HoldsLongDigitRun(std::string_view v) {
  size_t run = 0;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      if (++run >= 10) return true;
    } else if (c != '-') {
      run = 0;
    }
  }
  return false;
}

std::string CodeList() {
  std::string out;
  for (const auto& c : kCodes) {
    if (!out.empty()) out += ", ";
    out += c.code;
  }
  return out;
}

}  // namespace

std::span<const DisposalReasonCode> DisposalReasonCodes() { return kCodes; }

Status CheckDisposalReason(std::string_view code, std::string_view reference) {
  const DisposalReasonCode* found = nullptr;
  for (const auto& c : kCodes) {
    if (c.code == code) found = &c;
  }
  if (found == nullptr) {
    return Status::InvalidArgument(
        "the disposal reason must be one of " + CodeList() +
            " (a code, never text: the disposal record is kept for good)",
        "廃棄理由は " + CodeList() +
            " のいずれかのコードです (廃棄記録は永続的に保存されるため、"
            "文章は記載できません)",
        "reason");
  }
  if (reference.empty()) {
    if (!found->needs_reference) return Status::Ok();
    return Status::InvalidArgument(
        "the disposal reason other needs a reference (a rights-register request or ticket id)",
        "廃棄理由 other には参照 (権利台帳の申請IDまたはチケットID) が必要です", "reference");
  }
  bool ok = reference.size() <= kMaxDisposalReference && ReferenceChar(reference[0]) &&
            reference[0] != '.' && reference[0] != '_' && reference[0] != '-';
  for (char c : reference) ok = ok && ReferenceChar(c);
  ok = ok && !HoldsLongDigitRun(reference) && audit::EventIdentifier(reference) == reference;
  if (!ok) {
    return Status::InvalidArgument(
        "the disposal reference must be an id of 1 to 64 letters, digits, '.', '_' or '-' "
        "without a run of ten or more digits (a request or ticket id, never a person's number)",
        "廃棄の参照は英数字・'.'・'_'・'-' で1〜64文字のID (10桁以上の数字の連続を含まない申請ID・"
        "チケットID) です",
        "reference");
  }
  return Status::Ok();
}

}  // namespace mamori::engine
