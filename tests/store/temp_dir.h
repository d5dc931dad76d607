// A private temporary directory for one test, removed with everything in it
// when the test ends. Made under $MAMORI_TEST_TMP when set (ctest sets it to a
// folder of the build tree), else /tmp.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace mamori::store::test {

class TempDir {
 public:
  TempDir() {
    const char* root = std::getenv("MAMORI_TEST_TMP");
    std::string base = (root != nullptr && *root != '\0') ? root : "/tmp";
    std::error_code ec;
    std::filesystem::create_directories(base, ec);
    std::string pattern = base + "/mamori-store-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "mkdtemp under " << base << ": " << std::strerror(errno);
      return;
    }
    path_ = pattern;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace mamori::store::test
