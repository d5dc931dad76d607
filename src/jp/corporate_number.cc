#include "jp/corporate_number.h"

#include "jp/text.h"

namespace mamori::jp {
int CorporateNumberCheckDigit(std::string_view base12) {
  if (base12.size() != kCorporateNumberBaseLength || !IsAsciiDigits(base12)) return -1;
  int sum = 0;
  for (size_t n = 1; n <= kCorporateNumberBaseLength; ++n) {
    const int p = base12[kCorporateNumberBaseLength - n] - '0';
    sum += p * (n % 2 == 1 ? 1 : 2);
  }
  return 9 - sum % 9;
}

bool IsValidCorporateNumber(std::string_view number) {
  if (number.size() != kCorporateNumberLength || !IsAsciiDigits(number)) return false;
  return CorporateNumberCheckDigit(number.substr(1)) == number.front() - '0';
}

Status ValidateCorporateNumber(std::string_view number) {
  // Same order as ValidateMyNumber, for the same reason: full-width or
  // hyphenated input is the common mistake.
  if (!IsAsciiDigits(number)) {
    return Status::InvalidArgument(
        "corporate_number may contain only the digits 0-9; remove spaces, hyphens and full-width "
        "digits",
        "法人番号には半角数字(0-9)"
        "以外を含めないでください。空白・ハイフン・全角数字を除いて入力してください",
        "corporate_number");
  }
  if (number.size() != kCorporateNumberLength) {
    return Status::InvalidArgument("corporate_number must be exactly 13 digits",
                                   "法人番号は13桁の数字で入力してください", "corporate_number");
  }
  if (!IsValidCorporateNumber(number)) {
    return Status::InvalidArgument(
        "corporate_number check digit (the first digit) does not match; check the number for a "
        "typing error",
        "法人番号の検査用数字(先頭の1桁)が一致しません。入力誤りがないか確認してください",
        "corporate_number");
  }
  return Status::Ok();
}

std::string CorporateNumberFromBase(std::string_view base12) {
  const int check = CorporateNumberCheckDigit(base12);
  if (check < 0) return {};
  std::string out(1, static_cast<char>('0' + check));
  out.append(base12);
  return out;
}

std::string SyntheticCorporateNumber(uint64_t seed_value) {
  uint64_t v = seed_value % 1'000'000'000'000ULL;  // 10^12: the base has 12 digits
  std::string base(kCorporateNumberBaseLength, '0');
  for (size_t i = kCorporateNumberBaseLength; i-- > 0 && v != 0; v /= 10) {
    base[i] = static_cast<char>('0' + v % 10);
  }
  return CorporateNumberFromBase(base);
}

}  // namespace mamori::jp
