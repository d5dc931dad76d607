// A fresh directory for one test, removed afterwards. Under $MAMORI_TEST_TMP
// when set (CTest points it into the build tree), else /tmp.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace mamori::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("MAMORI_TEST_TMP");
    std::filesystem::path root = base ? base : "/tmp";
    std::filesystem::create_directories(root);
    std::string tmpl = (root / "mamori-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace mamori::testing
