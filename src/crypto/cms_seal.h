// Sealing a short message to one recipient's certificate, in memory, and
// opening it again with the recipient's private key: the same CMS
// AuthEnvelopedData with AES-256-GCM as a take-out file (cms_writer.h), for
// payloads that travel between nodes (docs/REQUIREMENTS.md §9: the data
// exchanged is encrypted [001 第4 3]) so that a proxy terminating TLS on the
// way sees ciphertext only.
//
// Contract:
// - SealToRecipient: `content` (at least one byte) encrypted to `recipient`
//   (which must have passed Usable()); DER. kInternal (OpenSSL) or kIoError.
// - OpenSealed: the content of a structure sealed to `own` (the holder's
//   certificate) with `private_key_pem` (PKCS#8 or SEC 1 PEM, unencrypted).
//   Only AuthEnvelopedData is opened: an EnvelopedData (CBC, no integrity)
//   or a structure of another type is refused, so that nobody can downgrade
//   a message to a form whose alteration goes unnoticed. A structure that
//   does not parse, is not for this key, or whose tag does not verify is
//   kDataLoss naming "sealed" — never quoting a byte of it.
// - The opened content is SecretBytes: it holds personal values, and is
//   wiped when dropped. The key is read into OpenSSL's secure heap.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/recipient_certificate.h"
#include "crypto/secret.h"

namespace mamori::crypto {

Result<std::string> SealToRecipient(std::string_view content,
                                    const RecipientCertificate& recipient);

Result<SecretBytes> OpenSealed(std::string_view der, const SecretBytes& private_key_pem,
                               const RecipientCertificate& own);

}  // namespace mamori::crypto
