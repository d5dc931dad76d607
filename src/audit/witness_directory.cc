// The directory witness (witness.h): JSON Lines of signed heads, appended
// and fsynced.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "audit/witness.h"

namespace mamori::audit {
namespace {

// More than enough for the last few heads (one is about 330 bytes).
constexpr size_t kTail = 64 * 1024;

Status IoFailed(const std::string& what, const std::string& path) {
  return Status::IoError("witness: cannot " + what + " " + path + ": " + std::strerror(errno),
                         "証人（ウィットネス）: " + path + " を処理できません (" + what + ")",
                         "witness");
}

std::optional<std::string> RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return std::nullopt;
  return std::string(buf);
}

Status WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError("short write");
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

class DirectoryWitness final : public Witness {
 public:
  explicit DirectoryWitness(std::string dir)
      : dir_(std::move(dir)), file_(dir_ + "/" + kWitnessFileName) {}

  Status Record(const SignedTreeHead& sth) override {
    struct stat before {};
    const bool existed = ::stat(file_.c_str(), &before) == 0;
    const int fd = ::open(file_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return IoFailed("open", file_);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return IoFailed("stat", file_);
    }
    std::string line;
    // A crash in the middle of an append leaves a last line without its
    // newline; that head was never acknowledged (the store has it), so the
    // next one starts on a line of its own and Latest skips the torn one.
    char last = '\n';
    if (st.st_size > 0 && ::pread(fd, &last, 1, st.st_size - 1) != 1) {
      ::close(fd);
      return IoFailed("read", file_);
    }
    if (last != '\n') line.push_back('\n');
    line += SignedHeadJson(sth);
    line.push_back('\n');
    Status s = WriteAll(fd, line);
    if (!s.ok()) {
      ::close(fd);
      return IoFailed("append to", file_);
    }
    if (::fsync(fd) != 0) {
      ::close(fd);
      return IoFailed("fsync", file_);
    }
    ::close(fd);
    if (!existed) {
      const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0) return IoFailed("open", dir_);
      const bool ok = ::fsync(dfd) == 0;
      ::close(dfd);
      if (!ok) return IoFailed("fsync", dir_);
    }
    return Status::Ok();
  }

  bool CanReadBack() const override { return true; }

  Result<std::optional<SignedTreeHead>> Latest() override {
    using Out = std::optional<SignedTreeHead>;
    const int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return Out();
      return Fail(IoFailed("open", file_));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return Fail(IoFailed("stat", file_));
    }
    const size_t size = static_cast<size_t>(st.st_size);
    const size_t from = size > kTail ? size - kTail : 0;
    std::string tail(size - from, '\0');
    size_t done = 0;
    while (done < tail.size()) {
      const ssize_t n =
          ::pread(fd, tail.data() + done, tail.size() - done, static_cast<off_t>(from + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(fd);
    if (done != tail.size()) return Fail(IoFailed("read", file_));
    // Only complete lines count: a torn last line (no newline) is dropped,
    // and so is the first line of a tail that starts mid-file.
    tail.resize(tail.rfind('\n') == std::string::npos ? 0 : tail.rfind('\n'));
    if (from > 0) {
      const size_t first = tail.find('\n');
      tail.erase(0, first == std::string::npos ? tail.size() : first + 1);
    }
    const size_t last = tail.find_last_not_of(" \t\r\n");
    if (last == std::string::npos) return Out();
    const size_t start = tail.rfind('\n', last);
    const std::string_view line =
        std::string_view(tail).substr(start == std::string::npos ? 0 : start + 1);
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    auto sth = j.is_discarded() ? std::optional<Result<SignedTreeHead>>()
                                : std::optional<Result<SignedTreeHead>>(SignedHeadFromJson(j));
    if (!sth || !*sth) {
      return Fail(Status::DataLoss(
          "witness file " + file_ + ": its last entry is not a signed tree head",
          "証人ファイル " + file_ + " の最後の項目が署名付きツリーヘッドではありません",
          "witness"));
    }
    return Out(std::move(**sth));
  }

  std::string Describe() const override { return "directory:" + dir_; }

 private:
  std::string dir_;
  std::string file_;
};

}  // namespace

Result<std::unique_ptr<Witness>> OpenDirectoryWitness(const std::string& dir,
                                                      const std::string& data_dir,
                                                      std::string* warning) {
  if (dir.empty()) {
    return Fail(Status::InvalidArgument("the witness directory is empty",
                                        "証人ディレクトリが指定されていません", "witness-dir"));
  }
  // Where the directory is (or would be), resolved before anything is
  // created, so that a refused one is never made.
  std::optional<std::string> real_dir = RealPath(dir);
  const bool exists = real_dir.has_value();
  if (!exists) {
    const std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
    const std::string parent = p.has_parent_path() ? p.parent_path().string() : ".";
    const auto real_parent = RealPath(parent.empty() ? "." : parent);
    if (!real_parent || !p.has_filename()) {
      return Fail(Status::InvalidArgument(
          "the witness directory " + dir + " cannot be created: its parent does not exist",
          "証人ディレクトリ " + dir + " を作成できません（親ディレクトリがありません）",
          "witness-dir"));
    }
    real_dir = (std::filesystem::path(*real_parent) / p.filename()).string();
  }
  const auto real_data = RealPath(data_dir);
  if (real_data && (*real_dir == *real_data || real_dir->starts_with(*real_data + "/"))) {
    return Fail(Status::InvalidArgument(
        "the witness directory " + dir + " is inside the data directory " + data_dir +
            ": whoever can replace the data could replace the witness with it; choose a "
            "directory outside it, on another volume",
        "証人ディレクトリ " + dir + " がデータディレクトリ " + data_dir +
            " の中にあります。データと一緒に置き換えられるため、データディレクトリの外（別の"
            "ボリューム）を指定してください",
        "witness-dir"));
  }
  if (!exists && ::mkdir(real_dir->c_str(), 0700) != 0 && errno != EEXIST) {
    return Fail(IoFailed("create", dir));
  }
  struct stat dir_st {
  }, data_st{};
  if (::stat(real_dir->c_str(), &dir_st) != 0 || !S_ISDIR(dir_st.st_mode)) {
    return Fail(Status::InvalidArgument("the witness directory " + dir + " is not a directory",
                                        "証人ディレクトリ " + dir + " がディレクトリではありません",
                                        "witness-dir"));
  }
  if (warning != nullptr && real_data && ::stat(real_data->c_str(), &data_st) == 0 &&
      data_st.st_dev == dir_st.st_dev) {
    *warning =
        "the witness directory " + dir + " is on the same filesystem as the data directory " +
        data_dir +
        "; put it on another volume so that a lost or replaced data volume does "
        "not take it along / 証人ディレクトリ " +
        dir +
        " がデータディレクトリと同じファイルシステムにあります。別のボリュームに置いてください";
  }
  return std::unique_ptr<Witness>(std::make_unique<DirectoryWitness>(*real_dir));
}

}  // namespace mamori::audit
