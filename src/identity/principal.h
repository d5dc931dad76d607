// identity: who is asking. Users (people) with positions (役職) and roles,
// service accounts (applications, client certificate only), terminals
// (registered by client-certificate fingerprint), credentials, the password
// policy, lockout, sessions and TOTP.
//
// This header: the resolved identity of one request, as the server hands it
// to policy and to the engine's Context. Produced only by identity (login,
// session lookup, client-certificate authentication) or by the CLI for the
// local operator.
#pragma once

#include <string>
#include <vector>

namespace mamori::identity {

enum class PrincipalKind {
  kUser,           // a person, logged in with password (+ TOTP where required)
  kService,        // an application, authenticated by client certificate only
  kLocalOperator,  // the OS user running the mamori command on the server
  kPeer,           // another institution's node, by its pinned certificate (exchange listener)
};

struct Terminal {
  std::string id;                // registered terminal id; empty when unregistered
  std::string fingerprint;       // SHA-256 of the client certificate (hex), or empty
  bool controlled_area = false;  // inside the 要管理対策区域
};

struct Principal {
  PrincipalKind kind = PrincipalKind::kUser;
  std::string id;            // user or service-account id
  std::string display_name;  // for registers and the console; not a secret
  std::string department;
  std::vector<std::string> roles;      // e.g. "handler", "section_manager", "auditor", "admin"
  std::vector<std::string> positions;  // 役職, e.g. "総務課長"
  Terminal terminal;
  std::string session_id;  // opaque, hashed at rest; empty for service accounts

  bool HasRole(std::string_view role) const {
    for (const auto& r : roles) {
      if (r == role) return true;
    }
    return false;
  }
};

}  // namespace mamori::identity
