// Internal: policy's layout in the engine's data store, all under "pol/" so
// that it never meets the engine's own keys (engine/keyspace.h).
//
//   pol/version                  decimal; +1 on every change Authorize depends on
//   pol/seq/<name>               decimal id counters ("grant", "request", …)
//   pol/g/<grant>                Grant JSON (active or ended)
//   pol/r/<request>              ChangeRequest JSON: the rights register
//   pol/x/<grant>/<person>       exclusion: a review revoked person's use of grant
//   pol/s/<person>               suspension during a leave review (review.h)
//   pol/m/t/<field type>         stored mask rule for a field type
//   pol/m/f/<dataset>/<field>    stored mask rule for one field
//   pol/t/<dataset>              designated terminal ids (JSON array)
//   pol/c/<campaign>             review campaign JSON
//   pol/ci/<campaign>/<item>     review item JSON
//
// Person ids come last in their keys, so an id containing "/" cannot be
// confused with another key.
#pragma once

#include <string>
#include <string_view>

namespace mamori::policy::keyspace {

inline constexpr std::string_view kVersion = "pol/version";
inline constexpr std::string_view kGrants = "pol/g/";
inline constexpr std::string_view kRequests = "pol/r/";
inline constexpr std::string_view kExclusions = "pol/x/";
inline constexpr std::string_view kSuspensions = "pol/s/";
inline constexpr std::string_view kMaskTypes = "pol/m/t/";
inline constexpr std::string_view kMaskFields = "pol/m/f/";
inline constexpr std::string_view kTerminals = "pol/t/";
inline constexpr std::string_view kCampaigns = "pol/c/";
inline constexpr std::string_view kItems = "pol/ci/";

inline std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}
inline std::string Counter(std::string_view name) { return Join({"pol/seq/", name}); }
inline std::string Grant(std::string_view id) { return Join({kGrants, id}); }
inline std::string Request(std::string_view id) { return Join({kRequests, id}); }
inline std::string Exclusion(std::string_view grant, std::string_view person) {
  return Join({kExclusions, grant, "/", person});
}
inline std::string Suspension(std::string_view person) { return Join({kSuspensions, person}); }
inline std::string MaskType(std::string_view type) { return Join({kMaskTypes, type}); }
inline std::string MaskField(std::string_view dataset, std::string_view field) {
  return Join({kMaskFields, dataset, "/", field});
}
inline std::string Terminals(std::string_view dataset) { return Join({kTerminals, dataset}); }
inline std::string Campaign(std::string_view id) { return Join({kCampaigns, id}); }
inline std::string Items(std::string_view campaign) { return Join({kItems, campaign, "/"}); }
inline std::string Item(std::string_view campaign, std::string_view item) {
  return Join({kItems, campaign, "/", item});
}

}  // namespace mamori::policy::keyspace
