// Shared fixtures for the audit tests: a real SQLite store in a private
// temporary directory, events that look like the engine's, and a log built
// with signed heads along the way.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "audit/event.h"
#include "audit/head.h"
#include "crypto/signature.h"
#include "store/storage.h"

namespace mamori::audit::test {

// A directory under $MAMORI_TEST_TMP (else /tmp), removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::unique_ptr<store::Storage> OpenStore(const std::string& path);

// A plausible event for position i; fields vary with i so that queries have
// something to select. Nothing in it is personal: the subject is a hex digest.
Event MakeEvent(uint64_t i);

// Appends `count` events made by MakeEvent, `batch` per Update, and signs a
// head after every `sign_every` events (0: never).
void AppendEvents(store::Storage& s, uint64_t count, const crypto::EcdsaP256PrivateKey* key,
                  uint64_t sign_every, uint64_t batch = 250);

// Runs fn in an Update and expects it to succeed.
void MustUpdate(store::Storage& s, const store::UpdateFn& fn);

// Raw access for tampering: the value at `key` (which must exist) and Put/Delete.
std::string RawGet(store::Storage& s, const std::string& key);
void RawPut(store::Storage& s, const std::string& key, const std::string& value);
void RawDelete(store::Storage& s, const std::string& key);

}  // namespace mamori::audit::test
