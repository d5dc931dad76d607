// Helpers shared by the crypto tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/encoding.h"

namespace mamori::crypto::testing {

// Decodes a hex test vector; a typo in a vector fails the test loudly.
inline std::string Unhex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  EXPECT_TRUE(bytes.has_value()) << "bad hex in test vector";
  return bytes.value_or("");
}

}  // namespace mamori::crypto::testing
