// Text that people write on a finding or a list: a reason for closing a
// finding, a comment when taking one up or confirming a list.
//
// It is kept with the finding or list (never in the audit log) for as long
// as they are, and shown to everyone who may see them. So it must say
// something — a reason of spaces closes nothing — and it must not carry a
// person's number: a run of ten or more digits (the shape of a My Number,
// telephone or account number) is refused, as in every record kept for
// good; the reason names a ticket or a request instead.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/status.h"

namespace mamori::analysis {

inline constexpr size_t kMaxNoteBytes = 4096;

// Ok when `text` is at most kMaxNoteBytes of UTF-8 without control
// characters other than tab and newline, holds no run of ten or more
// digits, and — when `required` — holds something other than white space
// (ASCII or the ideographic space U+3000). Else kInvalidArgument naming
// `member`; the text is never repeated.
Status CheckNote(std::string_view text, bool required, std::string_view member);

}  // namespace mamori::analysis
