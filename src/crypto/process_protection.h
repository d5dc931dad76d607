// Keeping key material out of core dumps and out of other processes' reach.
//
// ProtectProcess, called first thing by every `mamori` command (so by
// `serve` and by every command that opens keys):
//   - prctl(PR_SET_DUMPABLE, 0): no core dump at all, even through a
//     core_pattern pipe (which ignores RLIMIT_CORE), and no ptrace or
//     /proc/PID/mem access by other processes of the same user;
//   - RLIMIT_CORE 0 (soft and hard), for the cases the flag does not cover
//     and so that a later exec cannot raise it;
//   - OpenSSL's secure heap (CRYPTO_secure_malloc_init) of `secure_heap_bytes`:
//     SecretBytes (crypto/secret.h) then live in pages that are excluded
//     from dumps (MADV_DONTDUMP), locked in memory when RLIMIT_MEMLOCK allows
//     and fenced by guard pages.
//
// Key material that OpenSSL keeps inside its own objects (an AES key
// schedule in an EVP_CIPHER_CTX, the EC private key of an EVP_PKEY, the TLS
// private key) is on the ordinary heap; the two process-wide settings are
// what keep it out of dumps. docs/SERVER.md "Core dumps" measures the cost.
#pragma once

#include <cstddef>

#include "core/status.h"

namespace mamori::crypto {

// 1 MiB: SecretBytes hold keys of 32 bytes; a server keeps a few hundred at
// most (the record-key pool, module keys), so this leaves ample room.
inline constexpr size_t kDefaultSecureHeapBytes = 1 << 20;

struct ProcessProtection {
  bool dumpable = true;             // prctl(PR_GET_DUMPABLE) != 0
  bool core_limit_zero = false;     // RLIMIT_CORE soft and hard 0
  bool secure_heap = false;         // CRYPTO_secure_malloc_initialized()
  bool secure_heap_locked = false;  // its pages are mlock()ed (RLIMIT_MEMLOCK allowed it)
};

// Applies the settings above. kInternal when the kernel refuses the first
// two (the caller must not go on handling keys then); a secure heap that
// cannot be set up is not an error (SecretBytes fall back to the ordinary
// heap), which Describe() reports. Idempotent.
Status ProtectProcess(size_t secure_heap_bytes = kDefaultSecureHeapBytes);

// The settings in force, read back from the kernel and OpenSSL.
ProcessProtection DescribeProcessProtection();

}  // namespace mamori::crypto
