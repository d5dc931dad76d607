#include "crypto/process_protection.h"

#include <openssl/crypto.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

namespace mamori::crypto {
namespace {

// CRYPTO_secure_malloc_init's answer: 1 all set, 2 set up without mlock.
std::atomic<int> secure_heap_state{0};

Status Refused(const char* what) {
  return Status::Internal(
      std::string("cannot protect the process: ") + what + ": " + std::strerror(errno),
      std::string("プロセスの保護を設定できません: ") + what);
}

}  // namespace

Status ProtectProcess(size_t secure_heap_bytes) {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return Refused("prctl(PR_SET_DUMPABLE)");
  const rlimit none{0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) return Refused("setrlimit(RLIMIT_CORE)");
  if (secure_heap_bytes != 0 && CRYPTO_secure_malloc_initialized() == 0) {
    // Blocks of 32 bytes at least: SecretBytes are keys of 32 bytes.
    secure_heap_state.store(CRYPTO_secure_malloc_init(secure_heap_bytes, 32));
  }
  return Status::Ok();
}

ProcessProtection DescribeProcessProtection() {
  ProcessProtection p;
  p.dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0;
  rlimit core{};
  p.core_limit_zero =
      getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur == 0 && core.rlim_max == 0;
  p.secure_heap = CRYPTO_secure_malloc_initialized() == 1;
  p.secure_heap_locked = p.secure_heap && secure_heap_state.load() == 1;
  return p;
}

}  // namespace mamori::crypto
