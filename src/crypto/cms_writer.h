// Streaming CMS encryption to one recipient's certificate: what a take-out
// file is (docs/REQUIREMENTS.md §1, [002 第49条]: C3 data carried outside is
// encrypted), in a form the recipient opens with standard tools:
//
//   openssl cms -decrypt -binary -inform DER -in FILE -inkey KEY -recip CERT -out PLAIN
//
// Format, and why:
// - AuthEnvelopedData (RFC 5083) with AES-256-GCM (RFC 5084), DER with
//   indefinite lengths (BER streaming). GCM rather than AES-CBC in
//   EnvelopedData: both are CRYPTREC ciphers and `openssl cms -decrypt`
//   (OpenSSL 3.0, Debian 12) opens both, but CBC carries no integrity check:
//   a flipped byte in a CBC file decrypts to altered records with exit status
//   0, while GCM's tag makes openssl exit non-zero. (openssl still writes the
//   plaintext before it checks the tag: a recipient must act on the exit
//   status.)
// - Key management per the recipient's key (recipient_certificate.h):
//   RSA-OAEP with SHA-256 and MGF1-SHA-256 (ktri), or ECDH on P-256 with
//   the X9.63 KDF over SHA-256 and AES key wrap (kari;
//   dhSinglePass-stdDH-sha256kdf-scheme). OpenSSL's defaults (PKCS#1 v1.5,
//   SHA-1 KDF) are overridden: SHA-1 is not a CRYPTREC recommendation.
// - The content is what the caller writes (id-data); labels go inside it.
//
// Memory: constant in the content size (OpenSSL's streaming BIO chain).
// The content key is made and kept inside OpenSSL, which clears it when the
// structure is freed.
//
// Use: Begin, Write (at least one byte: `openssl cms` cannot read a streamed
// structure with empty content, so Finish refuses one), then Finish once. A writer
// destroyed without Finish leaves a truncated file that no tool opens (the
// tag is missing). Errors are kIoError (the output) or kInternal (OpenSSL);
// after an error the writer accepts nothing more.
#pragma once

#include <memory>
#include <string_view>

#include "core/status.h"
#include "crypto/recipient_certificate.h"

namespace mamori::crypto {

class CmsWriter {
 public:
  // Writes to the open file descriptor `fd` (not closed, not synced: the
  // caller owns the file). `recipient` must have passed Usable().
  static Result<std::unique_ptr<CmsWriter>> Begin(int fd, const RecipientCertificate& recipient);
  ~CmsWriter();
  CmsWriter(const CmsWriter&) = delete;
  CmsWriter& operator=(const CmsWriter&) = delete;

  Status Write(std::string_view content);
  // Encrypts the rest, computes the tag and writes the end of the structure.
  Status Finish();

 private:
  struct Impl;
  explicit CmsWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mamori::crypto
