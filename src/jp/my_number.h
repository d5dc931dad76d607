// jp/my_number: the 個人番号 (My Number) — its format and check digit.
//
// A My Number is 12 ASCII digits; the last is a check digit over the first 11
// (the "base"). 番号法施行令 第8条 delegates the formula to a 総務省令, and
// 平成26年総務省令第85号 第5条 (検査用数字を算出する算式) prescribes:
//
//   P_n  the n-th base digit counting from the right (n = 1 is the digit just
//        left of the check digit), 1 <= n <= 11
//   Q_n  n + 1 for 1 <= n <= 6, n - 5 for 7 <= n <= 11
//   r    (Σ P_n × Q_n) mod 11
//   check digit = 0 if r <= 1, else 11 - r
//
// Because r = 0 and r = 1 both give 0, a substitution that moves r between 0
// and 1 goes undetected; every other single-digit substitution is detected.
// A valid check digit therefore means "not obviously mistyped", never "issued".
//
// This module owns only the syntax. Inputs are expected to be normalised
// already (full-width digits, spaces and hyphens removed: see jp/text.h
// NormalizeDigits). Nothing here logs, and no error message ever contains the
// number, because a My Number is specific personal information (特定個人情報).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::jp {

inline constexpr size_t kMyNumberLength = 12;
inline constexpr size_t kMyNumberBaseLength = 11;

// The check digit (0..9) for an 11-digit base, or -1 if `first11` is not
// exactly 11 ASCII digits.
int MyNumberCheckDigit(std::string_view first11);

// True iff `number` is exactly 12 ASCII digits whose last digit is the check
// digit of the first 11.
bool IsValidMyNumber(std::string_view number);

// OK iff IsValidMyNumber(number). Otherwise InvalidArgument with subject
// "my_number" and a message (English and Japanese) that says which rule failed
// — non-digit characters, wrong length, or wrong check digit, tested in that
// order — and never contains the input.
Status ValidateMyNumber(std::string_view number);

// `first11` followed by its check digit.
// Precondition: `first11` is exactly 11 ASCII digits. If it is not, returns ""
// (which no validator accepts) rather than something that might look valid.
std::string MyNumberFromBase(std::string_view first11);

// A valid-looking My Number derived deterministically from `seed_value`: the
// base is seed_value mod 10^11, zero-padded to 11 digits, followed by its check
// digit. For test data and load generators, which supply the randomness (e.g.
// from crypto's CSPRNG). The result is syntactically valid and may coincide
// with an issued number, so it must be treated as personal data like any other.
std::string SyntheticMyNumber(uint64_t seed_value);

}  // namespace mamori::jp
