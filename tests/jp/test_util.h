// Helpers shared by the jp tests.
#pragma once

#include <cstdint>
#include <string>

namespace mamori::jp::testing {

// True if `text` contains a run of at least `n` ASCII digits. Error messages
// may mention "12 digits" or "0-9", but a longer run could be a leaked number.
inline bool HasDigitRun(const std::string& text, int n) {
  int run = 0;
  for (char c : text) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run >= n) return true;
  }
  return false;
}

// A fixed-seed generator (SplitMix64) so the property tests are reproducible;
// the values feed Synthetic*Number, never anything security-relevant.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace mamori::jp::testing
