// jp/corporate_number: the 法人番号 (corporate number) — its format and check
// digit.
//
// A corporate number is 13 ASCII digits; the FIRST is a check digit over the
// other 12 (the "base", for registered companies the 会社法人等番号). 番号法施行令
// 第35条第1項 delegates the formula to a 財務省令, and 平成26年財務省令第70号
// (法人番号の指定等に関する省令) 第2条 prescribes:
//
//   P_n  the n-th base digit counting from the right (n = 1 is the last digit
//        of the whole number), 1 <= n <= 12
//   Q_n  1 when n is odd, 2 when n is even
//   check digit = 9 - ((Σ P_n × Q_n) mod 9)
//
// The check digit is therefore 1..9: a corporate number never starts with 0.
// Because 9 ≡ 0 (mod 9), substituting 0 for 9 (or 9 for 0) in the base is
// never detected; every other single-digit substitution is.
//
// Corporate numbers are published by 国税庁 and are not personal data, but the
// API mirrors jp/my_number.h so callers treat both the same way, and error
// messages likewise never contain the input. Inputs are expected to be
// normalised already (jp/text.h NormalizeDigits).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mamori::jp {

inline constexpr size_t kCorporateNumberLength = 13;
inline constexpr size_t kCorporateNumberBaseLength = 12;

// The check digit (1..9) for a 12-digit base, or -1 if `base12` is not exactly
// 12 ASCII digits.
int CorporateNumberCheckDigit(std::string_view base12);

// True iff `number` is exactly 13 ASCII digits whose first digit is the check
// digit of the last 12.
bool IsValidCorporateNumber(std::string_view number);

// OK iff IsValidCorporateNumber(number). Otherwise InvalidArgument with subject
// "corporate_number" and a message (English and Japanese) that says which rule
// failed — non-digit characters, wrong length, or wrong check digit, tested in
// that order — and never contains the input.
Status ValidateCorporateNumber(std::string_view number);

// The check digit of `base12` followed by `base12`.
// Precondition: `base12` is exactly 12 ASCII digits. If it is not, returns ""
// (which no validator accepts).
std::string CorporateNumberFromBase(std::string_view base12);

// A valid-looking corporate number derived deterministically from
// `seed_value`: the base is seed_value mod 10^12, zero-padded to 12 digits,
// preceded by its check digit. For test data and generators, which supply the
// randomness; the result may coincide with a real corporation's number.
std::string SyntheticCorporateNumber(uint64_t seed_value);

}  // namespace mamori::jp
