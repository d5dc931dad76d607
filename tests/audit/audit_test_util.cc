#include "audit/audit_test_util.h"

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "audit/log.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "store/sqlite/sqlite_storage.h"

namespace mamori::audit::test {

TempDir::TempDir() {
  const char* root = std::getenv("MAMORI_TEST_TMP");
  const std::string base = (root != nullptr && *root != '\0') ? root : "/tmp";
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  std::string pattern = base + "/mamori-audit-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp under " << base << ": " << std::strerror(errno);
    return;
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::unique_ptr<store::Storage> OpenStore(const std::string& path) {
  auto s = store::OpenSqliteStorage({.path = path});
  EXPECT_TRUE(s.has_value()) << s.error().ToString();
  return s ? std::move(*s) : nullptr;
}

Event MakeEvent(uint64_t i) {
  static const char* const kOps[] = {"record.read", "record.create", "record.update",
                                     "session.login"};
  Event ev;
  ev.time = 1'790'000'000'000'000 + static_cast<TimeMicros>(i) * 1'000'000;
  ev.actor = "user" + std::to_string(i % 7);
  ev.terminal = "term-" + std::to_string(i % 3);
  ev.purpose = "payroll";
  ev.operation = kOps[i % 4];
  ev.dataset = i % 2 ? "employees" : "dependants";
  ev.subject = HexEncode(crypto::DigestView(crypto::Sha256("subject " + std::to_string(i % 50))));
  ev.record = "rec-" + std::to_string(i % 100);
  ev.result = i % 10 == 9 ? "refused" : "ok";
  if (ev.result != "ok") {
    ev.code = "permission_denied";
    ev.reason = "purpose";
  }
  ev.request_id = "req-" + std::to_string(i);
  if (i % 5 == 0) ev.attrs["fields"] = "name,address";
  return ev;
}

void MustUpdate(store::Storage& s, const store::UpdateFn& fn) {
  const Status st = s.Update(fn);
  ASSERT_TRUE(st.ok()) << st.ToString();
}

void AppendEvents(store::Storage& s, uint64_t count, const crypto::EcdsaP256PrivateKey* key,
                  uint64_t sign_every, uint64_t batch) {
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min(batch, count - done);
    MustUpdate(s, [&](store::WriteTxn& txn) -> Status {
      for (uint64_t k = 0; k < n; ++k) {
        MAMORI_ASSIGN_OR_RETURN(TreeHead head, CurrentHead(txn));
        Event ev = MakeEvent(head.size);
        MAMORI_ASSIGN_OR_RETURN(uint64_t seq, Append(txn, ev));
        if (key != nullptr && sign_every != 0 && (seq + 1) % sign_every == 0) {
          MAMORI_RETURN_IF_ERROR(SignHead(txn, *key, ev.time));
        }
      }
      return Status::Ok();
    });
    done += n;
  }
}

std::string RawGet(store::Storage& s, const std::string& key) {
  std::string out;
  const Status st = s.View([&](store::ReadTxn& txn) -> Status {
    MAMORI_ASSIGN_OR_RETURN(auto v, txn.Get(key));
    if (!v) return Status::NotFound("no key " + key);
    out = *v;
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

void RawPut(store::Storage& s, const std::string& key, const std::string& value) {
  MustUpdate(s, [&](store::WriteTxn& txn) { return txn.Put(key, value); });
}

void RawDelete(store::Storage& s, const std::string& key) {
  MustUpdate(s, [&](store::WriteTxn& txn) { return txn.Delete(key); });
}

}  // namespace mamori::audit::test
