#include "keys/root_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/random.h"

namespace mamori::keys {
namespace {

Status WriteNewFile(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Status::AlreadyExists("key file already exists: " + path,
                                   "鍵ファイルが既に存在します: " + path, path);
    }
    return Status::IoError("cannot create key file " + path + ": " + std::strerror(errno),
                           "鍵ファイルを作成できません: " + path, path);
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return Status::IoError("cannot write key file " + path,
                             "鍵ファイルに書き込めません: " + path);
    }
    done += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) return Status::IoError("cannot sync key file " + path, "鍵ファイルを同期できません");
  return Status::Ok();
}

Status SyncParentDir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open directory " + dir);
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Status::IoError("cannot sync directory " + dir);
}

// Reads a whole small file that must not be readable by group or others.
Result<crypto::SecretBytes> ReadPrivateFile(const std::string& path, const char* what_en,
                                            const char* what_ja) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return Fail(Status::NotFound(std::string(what_en) + " not found: " + path,
                                   std::string(what_ja) + "が見つかりません: " + path, path));
    }
    return Fail(Status::IoError(
        std::string("cannot open ") + what_en + " " + path + ": " + std::strerror(errno),
        std::string(what_ja) + "を開けません: " + path, path));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(Status::IoError(std::string(what_en) + " is not a regular file: " + path,
                                std::string(what_ja) + "が通常ファイルではありません: " + path,
                                path));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Fail(Status::PermissionDenied(
        std::string(what_en) + " " + path + " is readable by others; run chmod 600 " + path,
        std::string(what_ja) + "が他のユーザーから読めます。chmod 600 " + path +
            " を実行してください",
        path));
  }
  if (st.st_size > 4096) {
    ::close(fd);
    return Fail(Status::InvalidArgument(std::string(what_en) + " is too large: " + path,
                                        std::string(what_ja) + "が大きすぎます: " + path, path));
  }
  crypto::SecretBytes buf(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < buf.size()) {
    const ssize_t n = ::read(fd, buf.data() + done, buf.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != buf.size()) {
    return Fail(Status::IoError(std::string("short read of ") + what_en + " " + path));
  }
  return buf;
}

Result<crypto::SecretBytes> LoadKeyFile(const std::string& path) {
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key,
                          ReadPrivateFile(path, "root key file", "ルート鍵ファイル"));
  if (key.size() != kRootKeySize) {
    return Fail(Status::InvalidArgument("root key file " + path + " must hold exactly 32 bytes",
                                        "ルート鍵ファイルは32バイトでなければなりません: " + path,
                                        path));
  }
  return key;
}

Status RenameDurably(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::IoError("cannot rename " + from + " to " + to + ": " + std::strerror(errno));
  }
  return SyncParentDir(to);
}

}  // namespace

Status KeyFileProvider::CreateKeyFile(const std::string& path) {
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes key, crypto::RandomSecret(kRootKeySize));
  MAMORI_RETURN_IF_ERROR(WriteNewFile(path, key.view()));
  return SyncParentDir(path);
}

Result<crypto::SecretBytes> KeyFileProvider::Load() { return LoadKeyFile(path_); }

Result<crypto::SecretBytes> KeyFileProvider::StageNext() {
  const std::string next = path_ + ".next";
  ::unlink(next.c_str());  // a stale staged key from an abandoned rotation wrapped nothing
  MAMORI_RETURN_IF_ERROR(CreateKeyFile(next));
  return LoadKeyFile(next);
}

Status KeyFileProvider::CommitNext() { return RenameDurably(path_ + ".next", path_); }

Result<std::optional<crypto::SecretBytes>> KeyFileProvider::LoadStaged() {
  auto staged = LoadKeyFile(path_ + ".next");
  if (!staged) {
    if (staged.error().code() == Code::kNotFound) return std::optional<crypto::SecretBytes>();
    return Fail(staged.error());
  }
  return std::optional<crypto::SecretBytes>(std::move(*staged));
}

namespace {
Result<crypto::SecretBytes> DeriveFromPassphrase(const crypto::SecretBytes& passphrase,
                                                 const std::string& salt_path,
                                                 const crypto::Argon2Params& params) {
  MAMORI_ASSIGN_OR_RETURN(
      crypto::SecretBytes salt,
      ReadPrivateFile(salt_path, "passphrase salt file", "パスフレーズのソルトファイル"));
  if (passphrase.empty()) {
    return Fail(Status::InvalidArgument("passphrase is empty", "パスフレーズが空です"));
  }
  return crypto::Argon2idDerive(passphrase.view(), salt.view(), params, kRootKeySize);
}
}  // namespace

Status PassphraseProvider::CreateSaltFile(const std::string& salt_path) {
  MAMORI_ASSIGN_OR_RETURN(std::string salt, crypto::RandomBytes(16));
  MAMORI_RETURN_IF_ERROR(WriteNewFile(salt_path, salt));
  return SyncParentDir(salt_path);
}

Result<crypto::SecretBytes> PassphraseProvider::Load() {
  return DeriveFromPassphrase(passphrase_, salt_path_, params_);
}

std::string PassphraseProvider::Describe() const {
  return "passphrase (Argon2id m=" + std::to_string(params_.memory_kib) +
         " t=" + std::to_string(params_.time_cost) + " p=" + std::to_string(params_.parallelism) +
         ", salt " + salt_path_ + ")";
}

Result<crypto::SecretBytes> PassphraseProvider::StageNext() {
  if (!next_passphrase_) {
    return Fail(Status::InvalidArgument(
        "rotating a passphrase root key needs the new passphrase (--new-passphrase-file)",
        "パスフレーズのルート鍵を更新するには新しいパスフレーズが必要です "
        "(--new-passphrase-file)"));
  }
  const std::string next = salt_path_ + ".next";
  ::unlink(next.c_str());
  MAMORI_RETURN_IF_ERROR(CreateSaltFile(next));
  return DeriveFromPassphrase(*next_passphrase_, next, params_);
}

Status PassphraseProvider::CommitNext() {
  MAMORI_RETURN_IF_ERROR(RenameDurably(salt_path_ + ".next", salt_path_));
  if (next_passphrase_) {
    passphrase_ = std::move(*next_passphrase_);
    next_passphrase_.reset();
  }
  return Status::Ok();
}

Result<std::optional<crypto::SecretBytes>> PassphraseProvider::LoadStaged() {
  if (!next_passphrase_) return std::optional<crypto::SecretBytes>();
  auto staged = DeriveFromPassphrase(*next_passphrase_, salt_path_ + ".next", params_);
  if (!staged) {
    if (staged.error().code() == Code::kNotFound) return std::optional<crypto::SecretBytes>();
    return Fail(staged.error());
  }
  return std::optional<crypto::SecretBytes>(std::move(*staged));
}

Result<crypto::SecretBytes> ReadSecretFile(const std::string& path) {
  MAMORI_ASSIGN_OR_RETURN(crypto::SecretBytes raw,
                          ReadPrivateFile(path, "secret file", "秘密情報ファイル"));
  size_t n = raw.size();
  if (n > 0 && raw.data()[n - 1] == '\n') --n;
  if (n > 0 && raw.data()[n - 1] == '\r') --n;
  return crypto::SecretBytes(raw.view().substr(0, n));
}

Result<crypto::SecretBytes> ReadPrivateKeyFile(const std::string& path, const char* what_en,
                                               const char* what_ja) {
  return ReadPrivateFile(path, what_en, what_ja);
}

Status CreatePrivateKeyFile(const std::string& path, std::string_view bytes) {
  MAMORI_RETURN_IF_ERROR(WriteNewFile(path, bytes));
  return SyncParentDir(path);
}

}  // namespace mamori::keys
