#include "analysis/note.h"

#include <string>

#include "audit/event.h"
#include "jp/text.h"

namespace mamori::analysis {
namespace {

constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";

bool Blank(std::string_view text) {
  while (!text.empty()) {
    if (text.starts_with(kIdeographicSpace)) {
      text.remove_prefix(kIdeographicSpace.size());
    } else if (text[0] == ' ' || text[0] == '\t' || text[0] == '\n' || text[0] == '\r') {
      text.remove_prefix(1);
    } else {
      return false;
    }
  }
  return true;
}

bool HasControl(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n') || u == 0x7f) return true;
  }
  return false;
}

// A digit run counted across hyphens, with no exception for hex tokens: a
// person types these, and a 16-digit card number is all hex digits.
bool HoldsLongDigitRun(std::string_view text) {
  size_t run = 0;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (++run >= 10) return true;
    } else if (c != '-') {
      run = 0;
    }
  }
  return false;
}

}  // namespace

Status CheckNote(std::string_view text, bool required, std::string_view member) {
  const std::string m(member);
  if (text.size() > kMaxNoteBytes || !jp::IsValidUtf8(text) || HasControl(text)) {
    return Status::InvalidArgument(
        m + " must be at most 4096 bytes of UTF-8 text without control characters",
        m + " は制御文字を含まない4096バイト以内の UTF-8 の文章です", m);
  }
  if (required && Blank(text)) {
    return Status::InvalidArgument(m + " is required: say why (white space alone is not a reason)",
                                   m + " は必須です (空白のみは理由になりません)", m);
  }
  if (HoldsLongDigitRun(text) || audit::HoldsPersonalNumber(text)) {
    return Status::InvalidArgument(
        m + " holds a number of ten or more digits (the shape of a My Number, telephone or "
            "account number); it is kept with the finding or list and shown to its readers: "
            "name a ticket or request id instead",
        m + " に10桁以上の数字 (個人番号・電話番号・口座番号の形) が含まれています。"
            "指摘・確認リストと共に保存され閲覧者に表示されるため、チケット・申請IDを記載して"
            "ください",
        m);
  }
  return Status::Ok();
}

}  // namespace mamori::analysis
