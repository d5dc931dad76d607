// identity's layout in the data store, all under "id/" (ids cannot contain
// '/', so a prefix ending in '/' never matches a longer id):
//
//   id/policy                 IdentityPolicy (JSON); defaults while absent
//   id/u/<user>               User (JSON)
//   id/s/<service>            ServiceAccount (JSON)
//   id/sfp/<fingerprint>      service account id holding that certificate
//   id/t/<terminal>           TerminalEntry (JSON)
//   id/tfp/<fingerprint>      terminal id holding that certificate
//   id/sess/<token hash>      Session (JSON); the token itself is never stored
//   id/us/<user>/<token hash> "" — the sessions of a user, to end them together
#pragma once

#include <string>
#include <string_view>

namespace mamori::identity::keyspace {

inline constexpr std::string_view kPolicy = "id/policy";
inline constexpr std::string_view kUsers = "id/u/";
inline constexpr std::string_view kServices = "id/s/";
inline constexpr std::string_view kServiceFingerprints = "id/sfp/";
inline constexpr std::string_view kTerminals = "id/t/";
inline constexpr std::string_view kTerminalFingerprints = "id/tfp/";
inline constexpr std::string_view kSessions = "id/sess/";
inline constexpr std::string_view kUserSessions = "id/us/";

inline std::string Join(std::string_view a, std::string_view b) {
  std::string out(a);
  out += b;
  return out;
}
inline std::string User(std::string_view id) { return Join(kUsers, id); }
inline std::string Service(std::string_view id) { return Join(kServices, id); }
inline std::string ServiceFingerprint(std::string_view fp) {
  return Join(kServiceFingerprints, fp);
}
inline std::string Terminal(std::string_view id) { return Join(kTerminals, id); }
inline std::string TerminalFingerprint(std::string_view fp) {
  return Join(kTerminalFingerprints, fp);
}
inline std::string Session(std::string_view hash) { return Join(kSessions, hash); }
inline std::string UserSessionsPrefix(std::string_view user) {
  return Join(kUserSessions, user) + "/";
}
inline std::string UserSession(std::string_view user, std::string_view hash) {
  return UserSessionsPrefix(user) + std::string(hash);
}

}  // namespace mamori::identity::keyspace
