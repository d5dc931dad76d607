// Why a record is disposed of (廃棄理由): a code from a fixed list and,
// optionally, the id of the request or ticket that asked for it.
//
// A disposal record is kept, signed, for good, and its audit event with it:
// free text there ("本人 山田太郎 からの削除請求") would name the person whose
// record was destroyed and outlive the record. So the reason says why, as a
// code, never whose; the circumstances live where the reference points (the
// rights register, a ticket system), under that system's own retention.
#pragma once

#include <span>
#include <string_view>

#include "core/status.h"

namespace mamori::engine {

struct DisposalReasonCode {
  std::string_view code;  // what the API, the CLI and the disposal record carry
  std::string_view en;    // what it means, for documentation and help text
  std::string_view ja;
  bool needs_reference;  // `other` says nothing by itself: it must name a ticket
};

// The fixed list, in documentation order:
//   retention_expired  保存期間満了 (the retention sweep's code)
//   purpose_ended      利用目的の達成・事務の終了 (e.g. 個人番号関係事務の終了)
//   subject_request    本人からの消去・利用停止の請求
//   erroneous_entry    誤登録
//   duplicate          重複登録
//   other              その他 (a reference is required)
std::span<const DisposalReasonCode> DisposalReasonCodes();

inline constexpr std::string_view kRetentionExpired = "retention_expired";

// The longest reference taken.
inline constexpr size_t kMaxDisposalReference = 64;

// Ok when `code` is one of DisposalReasonCodes() and `reference` is empty
// (unless the code needs one) or an id: 1..64 characters of [A-Za-z0-9._-]
// starting with a letter or digit, with no run of ten or more digits (the
// shape of a My Number, telephone or account number; hex runs included),
// which audit::EventIdentifier accepts unchanged. Else kInvalidArgument
// naming "reason" or "reference", never repeating what was given.
Status CheckDisposalReason(std::string_view code, std::string_view reference);

}  // namespace mamori::engine
