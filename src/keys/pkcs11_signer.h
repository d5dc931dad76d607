// The audit signing key on a PKCS#11 token (an HSM, a smart card, or
// SoftHSM2 in tests): the key never leaves the token, so neither the data
// nor the root key lets anyone sign a head.
//
// The module is loaded with dlopen; the token is found by its label, the
// user logs in with the PIN read from a 0600 file (wiped after C_Login), and
// the key pair by CKA_LABEL: a CKO_PRIVATE_KEY of type CKK_EC to sign with
// and the CKO_PUBLIC_KEY of the same label, whose CKA_EC_PARAMS must name
// P-256 and whose CKA_EC_POINT gives the public key. Sign computes SHA-256
// here and asks the token for CKM_ECDSA over the digest, then turns the raw
// r || s into DER and checks it against the public key before returning it.
// One session, serialised by a mutex.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "keys/audit_signer.h"

namespace mamori::keys {

struct Pkcs11Options {
  std::string module;     // path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
  std::string token;      // token label (CK_TOKEN_INFO.label, without the padding)
  std::string key_label;  // CKA_LABEL of the key pair
  std::string pin_file;   // user PIN, mode 0600
};

// kNotFound for a missing module, token or key; kUnauthenticated for a
// wrong PIN; kPermissionDenied for a PIN file others can read;
// kInvalidArgument for a key that is not P-256; kUnavailable for other
// token errors (naming the PKCS#11 function and its CKR_ code).
Result<std::unique_ptr<AuditSigner>> OpenPkcs11Signer(const Pkcs11Options& options);

}  // namespace mamori::keys
