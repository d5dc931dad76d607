#include "jp/my_number.h"

#include "jp/text.h"

namespace mamori::jp {
int MyNumberCheckDigit(std::string_view first11) {
  if (first11.size() != kMyNumberBaseLength || !IsAsciiDigits(first11)) return -1;
  int sum = 0;
  for (size_t n = 1; n <= kMyNumberBaseLength; ++n) {
    const int p = first11[kMyNumberBaseLength - n] - '0';
    const int q = n <= 6 ? static_cast<int>(n) + 1 : static_cast<int>(n) - 5;
    sum += p * q;
  }
  const int r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

bool IsValidMyNumber(std::string_view number) {
  if (number.size() != kMyNumberLength || !IsAsciiDigits(number)) return false;
  return MyNumberCheckDigit(number.substr(0, kMyNumberBaseLength)) == number.back() - '0';
}

Status ValidateMyNumber(std::string_view number) {
  // Characters before length: a full-width or hyphenated number is the common
  // mistake, and "not digits" tells the caller to normalise rather than recount.
  if (!IsAsciiDigits(number)) {
    return Status::InvalidArgument(
        "my_number may contain only the digits 0-9; remove spaces, hyphens and full-width digits",
        "個人番号には半角数字(0-9)"
        "以外を含めないでください。空白・ハイフン・全角数字を除いて入力してください",
        "my_number");
  }
  if (number.size() != kMyNumberLength) {
    return Status::InvalidArgument("my_number must be exactly 12 digits",
                                   "個人番号は12桁の数字で入力してください", "my_number");
  }
  if (!IsValidMyNumber(number)) {
    return Status::InvalidArgument(
        "my_number check digit does not match; check the number for a typing error",
        "個人番号の検査用数字(チェックデジット)が一致しません。入力誤りがないか確認してください",
        "my_number");
  }
  return Status::Ok();
}

std::string MyNumberFromBase(std::string_view first11) {
  const int check = MyNumberCheckDigit(first11);
  if (check < 0) return {};
  std::string out(first11);
  out.push_back(static_cast<char>('0' + check));
  return out;
}

std::string SyntheticMyNumber(uint64_t seed_value) {
  uint64_t v = seed_value % 100'000'000'000ULL;  // 10^11: the base has 11 digits
  std::string base(kMyNumberBaseLength, '0');
  for (size_t i = kMyNumberBaseLength; i-- > 0 && v != 0; v /= 10) {
    base[i] = static_cast<char>('0' + v % 10);
  }
  return MyNumberFromBase(base);
}

}  // namespace mamori::jp
