#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>
#include <cstring>

#include "crypto/openssl_util.h"

namespace mamori::crypto {

namespace {

// RAND_bytes takes an int count; larger requests are filled in chunks.
template <class Fill>
Status FillRandom(uint8_t* out, size_t n, Fill fill, std::string_view what) {
  while (n > 0) {
    int chunk = n > INT_MAX ? INT_MAX : static_cast<int>(n);
    if (fill(out, chunk) != 1) return internal::OpensslError(what);
    out += chunk;
    n -= static_cast<size_t>(chunk);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  MAMORI_RETURN_IF_ERROR(
      FillRandom(reinterpret_cast<uint8_t*>(out.data()), n, RAND_bytes, "RAND_bytes"));
  return out;
}

// Keys come from the separate private DRBG so that a state leak of the public
// one (whose output, like nonces, is visible) says nothing about keys.
Result<SecretBytes> RandomSecret(size_t n) {
  SecretBytes out(n);
  MAMORI_RETURN_IF_ERROR(FillRandom(out.data(), n, RAND_priv_bytes, "RAND_priv_bytes"));
  return out;
}

Result<uint64_t> RandomBelow(uint64_t bound) {
  if (bound == 0) {
    return Fail(Status::InvalidArgument("RandomBelow bound must be greater than 0",
                                        "RandomBelow の上限は 1 以上でなければなりません",
                                        "bound"));
  }
  // Values below `threshold` (= 2^64 mod bound) are rejected so that the
  // remaining range is a whole multiple of bound and `x % bound` is unbiased.
  const uint64_t threshold = (0 - bound) % bound;
  for (;;) {
    uint8_t buf[sizeof(uint64_t)];
    MAMORI_RETURN_IF_ERROR(FillRandom(buf, sizeof buf, RAND_bytes, "RAND_bytes"));
    uint64_t x;
    std::memcpy(&x, buf, sizeof x);
    if (x >= threshold) return x % bound;
  }
}

}  // namespace mamori::crypto
