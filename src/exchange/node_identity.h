// exchange: mamori nodes exchanging My Number data between institutions —
// the book-entry transfer institution (振替機関), account management
// institutions (口座管理機関) and issuers (発行者) of [001 第1 1] — over
// connections (接続) approved with the list of items they carry [000 第5号様式]
// (docs/REQUIREMENTS.md §9). It sits between policy/analysis and api:
// it uses the engine (records, audit), approval (the connection flow) and
// crypto; api serves its inbound routes and carries its outbound calls
// (exchange/transport.h).
//
// This header: a node's own identity and how a peer's is pinned.
//
// A node has one ECDSA P-256 key and a self-signed certificate, made on
// first use under DATA/exchange/ (directory 0700, key 0600, written before
// any byte of it). The one key serves three purposes, each bound to the
// same pinned certificate: the TLS handshake (both as server and as
// client), the ECDH key agreement of messages sealed to the node
// (crypto/cms_seal.h), and the ECDSA signature of its receipts
// (receipt.h). Decision: one key and one pin per node, so that the
// connection record pins exactly what authenticates, decrypts and signs;
// key usage says digitalSignature and keyAgreement, extended key usage
// serverAuth and clientAuth.
//
// Pins: "sha256:<64 hex>" is the SHA-256 of the DER certificate (the
// certificate must stay the same); "sha256//<base64>" is the SHA-256 of
// its SubjectPublicKeyInfo, curl's --pinnedpubkey form (the certificate may
// be renewed over the same key).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time.h"
#include "crypto/secret.h"
#include "crypto/signature.h"

namespace mamori::exchange {

struct NodeIdentity {
  std::string name;              // the node's name (an identifier)
  std::string certificate_path;  // DATA/exchange/node.crt
  std::string private_key_path;  // DATA/exchange/node.key (0600)
  std::string certificate_pem;
  std::string certificate_sha256;  // "sha256:<hex>"
  std::string public_key_pin;      // "sha256//<base64>"
};

// DIR/node.crt and DIR/node.key; generated when both are absent (CN =
// `name`, SANs localhost, 127.0.0.1, ::1 and `hosts`), valid 825 days.
// kFailedPrecondition when only one exists; kInvalidArgument for a name
// that is not an identifier ([a-z0-9_-], 1..64).
Result<NodeIdentity> EnsureNodeIdentity(const std::string& dir, const std::string& name,
                                        const std::vector<std::string>& hosts = {});

// The parts of one PEM or DER certificate a connection needs; kInvalidArgument
// naming "certificate" for anything that is not exactly one certificate
// with an EC P-256 key (the only key mamori nodes use).
struct PeerCertificate {
  std::string der;
  std::string certificate_sha256;  // "sha256:<hex>"
  std::string public_key_pin;      // "sha256//<base64>"
  std::string spki_der;
  TimeMicros not_after = 0;  // the end of the certificate's validity
};
Result<PeerCertificate> ParsePeerCertificate(std::string_view pem_or_der);

// Whether a presented certificate (DER) matches `pin` (either form);
// the comparison is constant-time.
bool PinMatches(std::string_view pin, const PeerCertificate& presented);

// Whether `pin` is of one of the two forms.
bool IsPin(std::string_view pin);

// The node's private key (the PEM file), for signing receipts and opening
// sealed messages; wiped when dropped.
Result<crypto::SecretBytes> ReadPrivateKeyPem(const std::string& path);

// Whether `id` is an identifier of the register: [a-z0-9_-], 1..64 bytes.
bool IsIdentifier(std::string_view id);

}  // namespace mamori::exchange
