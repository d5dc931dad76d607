// ProtectProcess (crypto/process_protection.h), in a child process so that
// the test process keeps its own settings: afterwards the process cannot
// dump core, its core limit is 0, and SecretBytes live in the secure heap,
// whose pages the kernel marks "dd" (excluded from dumps) in smaps.
#include "crypto/process_protection.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/secret.h"

namespace mamori::crypto {
namespace {

// The VmFlags of the mapping that holds `address`, from /proc/self/smaps.
std::string VmFlagsOf(const void* address) {
  const auto a = reinterpret_cast<uintptr_t>(address);
  std::ifstream smaps("/proc/self/smaps");
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream head(line);
    if (head >> std::hex >> lo >> dash >> hi && dash == '-' &&
        line.find(' ') != std::string::npos && line.find(':') > line.find(' ')) {
      inside = a >= lo && a < hi;
      continue;
    }
    if (inside && line.rfind("VmFlags:", 0) == 0) return line;
  }
  return "";
}

// The soft and hard core limits as /proc/self/limits shows them.
std::string CoreLimitLine() {
  std::ifstream limits("/proc/self/limits");
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind("Max core file size", 0) == 0) return line;
  }
  return "";
}

TEST(ProcessProtectionTest, NoCoreDumpsAndKeysInPagesExcludedFromDumps) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int failures = 0;
    const SecretBytes before(std::string_view("0123456789abcdef0123456789abcdef"));
    if (before.InSecureHeap()) failures |= 1;  // no secure heap yet
    if (!ProtectProcess().ok()) failures |= 2;
    const ProcessProtection p = DescribeProcessProtection();
    if (p.dumpable) failures |= 4;
    if (!p.core_limit_zero) failures |= 8;
    if (!p.secure_heap) failures |= 16;
    const SecretBytes key(std::string_view("0123456789abcdef0123456789abcdef"));
    if (!key.InSecureHeap()) failures |= 32;
    if (VmFlagsOf(key.data()).find(" dd") == std::string::npos) failures |= 64;
    std::istringstream limit(CoreLimitLine().substr(std::string("Max core file size").size()));
    std::string soft, hard;
    limit >> soft >> hard;
    if (soft != "0" || hard != "0") failures |= 128;
    // Keys made before still work and are wiped through the right heap.
    if (before.view() != key.view()) failures |= 256;
    _exit(failures);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failure bits " << WEXITSTATUS(status);
}

TEST(ProcessProtectionTest, AFullSecureHeapFallsBackToTheOrdinaryHeap) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int failures = 0;
    if (!ProtectProcess(4096).ok()) failures |= 1;
    std::vector<SecretBytes> keys;
    for (int i = 0; i < 200; ++i) keys.emplace_back(size_t{32});
    if (!keys.front().InSecureHeap()) failures |= 2;
    if (keys.back().InSecureHeap()) failures |= 4;  // 200 × 32 > 4096
    for (const auto& k : keys) {
      for (size_t i = 0; i < k.size(); ++i) {
        if (k.data()[i] != 0) failures |= 8;
      }
    }
    keys.clear();
    if (!SecretBytes(size_t{32}).InSecureHeap()) failures |= 16;  // freed blocks are reused
    _exit(failures);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failure bits " << WEXITSTATUS(status);
}

}  // namespace
}  // namespace mamori::crypto
