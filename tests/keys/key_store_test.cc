#include "keys/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "testing/temp_dir.h"

namespace mamori::keys {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(KeyFileProvider::CreateKeyFile(dir_ / "root.key").ok());
    provider_ = std::make_unique<KeyFileProvider>(dir_ / "root.key");
    auto ks = KeyStore::Create(dir_ / "keys.db", *provider_);
    ASSERT_TRUE(ks.has_value()) << ks.error().ToString();
    ASSERT_TRUE((*ks)->CreateDataset("people").ok());
  }
  std::unique_ptr<KeyStore> Open(size_t pool = 4) {
    auto ks = KeyStore::Open(dir_ / "keys.db", *provider_, pool);
    EXPECT_TRUE(ks.has_value()) << ks.error().ToString();
    return ks ? std::move(*ks) : nullptr;
  }
  testing::TempDir dir_;
  std::unique_ptr<KeyFileProvider> provider_;
};

TEST_F(KeyStoreTest, RecordKeysAreDurableDistinctAndDestroyable) {
  auto ks = Open();
  std::vector<RecordKey> keys;
  for (int i = 0; i < 10; ++i) {
    auto rk = ks->NewRecordKey("people");
    ASSERT_TRUE(rk.has_value()) << rk.error().ToString();
    keys.push_back(std::move(*rk));
  }
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_NE(keys[i].id, keys[0].id);
  ks.reset();  // the pooled keys handed out must survive a restart
  ks = Open();
  for (const auto& rk : keys) {
    auto back = ks->GetRecordKey("people", rk.id);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->view(), rk.key.view());
  }
  ASSERT_TRUE(ks->DestroyRecordKey("people", keys[0].id).ok());
  auto gone = ks->GetRecordKey("people", keys[0].id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code(), Code::kNotFound);
  // Destroyed means gone from the files, WAL included.
  ks.reset();
  const std::string hex_id = keys[0].id;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    EXPECT_EQ(Slurp(entry.path()).find(hex_id), std::string::npos) << entry.path();
  }
}

// Pools refill in the background once half used; keys handed out from
// several threads across many refills are distinct and every one of them is
// durable (readable after a restart), whether a put got it from a background
// refill or waited for one.
TEST_F(KeyStoreTest, BackgroundRefillsHandOutDistinctDurableKeys) {
  auto ks = Open(16);
  constexpr int kThreads = 4, kEach = 60;
  std::vector<std::vector<RecordKey>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto rk = ks->NewRecordKey("people");
        ASSERT_TRUE(rk.has_value()) << rk.error().ToString();
        got[t].push_back(std::move(*rk));
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> ids;
  for (const auto& v : got) {
    for (const auto& rk : v) ids.insert(rk.id);
  }
  EXPECT_EQ(ids.size(), size_t{kThreads * kEach});
  ks.reset();
  ks = Open(16);
  for (const auto& v : got) {
    for (const auto& rk : v) {
      auto back = ks->GetRecordKey("people", rk.id);
      ASSERT_TRUE(back.has_value()) << back.error().ToString();
      EXPECT_EQ(back->view(), rk.key.view());
    }
  }
}

TEST_F(KeyStoreTest, UnknownDatasetAndDuplicateDataset) {
  auto ks = Open();
  EXPECT_EQ(ks->NewRecordKey("nobody").error().code(), Code::kNotFound);
  EXPECT_EQ(ks->CreateDataset("people").code(), Code::kAlreadyExists);
}

TEST_F(KeyStoreTest, InterruptedRootRotationIsCompletedOnOpen) {
  auto ks = Open();
  auto rk = ks->NewRecordKey("people");
  ASSERT_TRUE(rk.has_value());
  ks.reset();
  // Simulate a crash after the key store was re-wrapped under the staged key
  // but before the staged key file was renamed into place.
  {
    KeyFileProvider staging(dir_ / "root.key");
    auto store = KeyStore::Open(dir_ / "keys.db", staging, 1);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE((*store)->RotateRootKey().ok());
  }
  // Put the old key back as "current" and the new one as "staged".
  std::filesystem::copy_file(dir_ / "root.key", dir_ / "root.key.next");
  ::chmod((dir_ / "root.key.next").c_str(), 0600);
  // Reconstruct the pre-rename state: the old root key is unknown after the
  // rename, so create a fresh "old" key — the store must still open through
  // the staged key and complete the rotation.
  std::filesystem::remove(dir_ / "root.key");
  ASSERT_TRUE(KeyFileProvider::CreateKeyFile(dir_ / "root.key").ok());
  auto reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "root.key.next"));
  auto back = reopened->GetRecordKey("people", rk->id);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->view(), rk->key.view());
}

TEST_F(KeyStoreTest, WrongRootKeyIsRefusedWithoutChange) {
  const std::string before = Slurp(dir_ / "keys.db");
  KeyFileProvider other(dir_ / "other.key");
  ASSERT_TRUE(KeyFileProvider::CreateKeyFile(dir_ / "other.key").ok());
  auto ks = KeyStore::Open(dir_ / "keys.db", other, 1);
  ASSERT_FALSE(ks.has_value());
  EXPECT_EQ(ks.error().code(), Code::kUnauthenticated);
  EXPECT_EQ(Slurp(dir_ / "keys.db"), before);
}

TEST(RootKeyTest, KeyFileMustBePrivateAndExact) {
  testing::TempDir dir;
  const std::string path = dir / "root.key";
  ASSERT_TRUE(KeyFileProvider::CreateKeyFile(path).ok());
  EXPECT_EQ(KeyFileProvider::CreateKeyFile(path).code(), Code::kAlreadyExists);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  KeyFileProvider provider(path);
  ASSERT_TRUE(provider.Load().has_value());
  ::chmod(path.c_str(), 0640);
  EXPECT_EQ(provider.Load().error().code(), Code::kPermissionDenied);
  ::chmod(path.c_str(), 0600);
  {
    std::ofstream out(path, std::ios::app);
    out << "x";
  }
  EXPECT_EQ(provider.Load().error().code(), Code::kInvalidArgument);
  EXPECT_EQ(KeyFileProvider(dir / "absent").Load().error().code(), Code::kNotFound);
}

TEST(RootKeyTest, SecretFileStripsOneNewlineAndRefusesLooseModes) {
  testing::TempDir dir;
  const std::string path = dir / "pass";
  {
    std::ofstream out(path);
    out << "correct horse\n";
  }
  ::chmod(path.c_str(), 0600);
  auto secret = ReadSecretFile(path);
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(secret->view(), "correct horse");
  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(ReadSecretFile(path).error().code(), Code::kPermissionDenied);
}

}  // namespace
}  // namespace mamori::keys
