// The engine's layout of the data store's ordered key space. One place, so
// that scans and deletions agree on it.
//
//   meta/format                       "mamori-data-1"
//   ds/<dataset>                      current definition (JSON)
//   dsc/<dataset>                     current definition version (decimal)
//   dsv/<dataset>/<version:08>        every definition version (JSON)
//   cnt/<dataset>                     unused: a live-record counter that stores
//                                     made before it was dropped may still hold
//   r/<dataset>/<record>              sealed record envelope (current version)
//   h/<dataset>/<record>/<version:08> sealed envelopes of earlier versions
//   i/<dataset>/<field>/<tag>/<record> blind index entry (tag: hex HMAC)
//   t/<deadline:YYYYMMDD>/<dataset>/<record>  retention deadline
//   p/<dataset>/<record>              shred in progress
//   x/<dataset>/<record>              signed disposal record
//   to/<takeout>                      take-out record (takeout.h), with its keyed code
//   tom/<takeout>/<chunk:08>          its manifest: "record-id:version" lines
//   tp/<takeout>                      export in progress: the partial file to delete
//   audit/...                         the audit log (audit/log.h)
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/time.h"

namespace mamori::engine::keyspace {

inline std::string Pad8(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08u", v);
  return buf;
}
inline std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

inline std::string Dataset(std::string_view ds) { return Cat({"ds/", ds}); }
inline std::string DatasetVersionCurrent(std::string_view ds) { return Cat({"dsc/", ds}); }
inline std::string DatasetVersion(std::string_view ds, uint32_t v) {
  return Cat({"dsv/", ds, "/", Pad8(v)});
}
inline std::string DatasetVersionsPrefix(std::string_view ds) { return Cat({"dsv/", ds, "/"}); }
inline std::string Count(std::string_view ds) { return Cat({"cnt/", ds}); }
inline std::string Record(std::string_view ds, std::string_view id) {
  return Cat({"r/", ds, "/", id});
}
inline std::string RecordsPrefix(std::string_view ds) { return Cat({"r/", ds, "/"}); }
inline std::string History(std::string_view ds, std::string_view id, uint32_t v) {
  return Cat({"h/", ds, "/", id, "/", Pad8(v)});
}
inline std::string HistoryPrefix(std::string_view ds, std::string_view id) {
  return Cat({"h/", ds, "/", id, "/"});
}
inline std::string IndexPrefix(std::string_view ds, std::string_view field, std::string_view tag) {
  return Cat({"i/", ds, "/", field, "/", tag, "/"});
}
inline std::string Index(std::string_view ds, std::string_view field, std::string_view tag,
                         std::string_view id) {
  return Cat({IndexPrefix(ds, field, tag), id});
}
inline std::string Deadline(CivilDate d, std::string_view ds, std::string_view id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", d.year, d.month, d.day);
  return Cat({"t/", buf, "/", ds, "/", id});
}
inline std::string PendingShred(std::string_view ds, std::string_view id) {
  return Cat({"p/", ds, "/", id});
}
inline std::string Disposal(std::string_view ds, std::string_view id) {
  return Cat({"x/", ds, "/", id});
}
inline std::string DisposalsPrefix(std::string_view ds) { return Cat({"x/", ds, "/"}); }
inline constexpr std::string_view kTakeoutsPrefix = "to/";
inline std::string Takeout(std::string_view id) { return Cat({kTakeoutsPrefix, id}); }
inline std::string TakeoutManifest(std::string_view id, uint32_t chunk) {
  return Cat({"tom/", id, "/", Pad8(chunk)});
}
inline std::string TakeoutManifestPrefix(std::string_view id) { return Cat({"tom/", id, "/"}); }
inline constexpr std::string_view kTakeoutsPendingPrefix = "tp/";
inline std::string TakeoutPending(std::string_view id) { return Cat({kTakeoutsPendingPrefix, id}); }

}  // namespace mamori::engine::keyspace
