// The web console's static files (web/, built by scripts/build-console),
// served by the API's own listener at /console/ (docs/CONSOLE.md).
//
// The directory is read once, when the server starts: every regular file
// under it is held in memory with its Content-Type, and nothing is read
// from disk while serving, so a file added or replaced later, or a symbolic
// link pointing outside the directory, is never served. A request path is
// looked up in that table only after it is checked: percent-escapes of '/',
// '\\' or NUL, "." and ".." segments, empty segments and anything that is
// not plain printable ASCII are refused (404, the same answer as a file that
// is not there), so no request names a path outside the directory.
//
// Every answer under /console/ carries the console's security headers: a
// Content-Security-Policy without inline script or style and with
// frame-ancestors 'none', Referrer-Policy no-referrer, X-Frame-Options DENY,
// and the Cache-Control its kind allows (content-hashed files under
// assets/ are immutable; everything else is revalidated). The pipeline adds
// nosniff, HSTS and the request id (service.h).
//
// A directory without index.html (the console was not built) serves, at
// /console/ only, a page saying so in Japanese and English (503).
// Immutable after Load; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "api/request.h"
#include "core/status.h"

namespace mamori::api {

// The prefix the console is served under.
inline constexpr std::string_view kConsolePath = "/console/";

class ConsoleAssets {
 public:
  // Reads every regular file under `dir` (symbolic links and other kinds are
  // skipped). A missing directory or one without index.html gives assets
  // that answer "not built". kInvalidArgument when `dir` is not a
  // directory, or a file cannot be read; files past 64 MiB in all are
  // refused (the console is a few hundred kB).
  static Result<ConsoleAssets> Load(const std::string& dir);

  // Whether `path` (percent-encoded, without the query) is the console's:
  // "/console" or under "/console/".
  static bool Owns(std::string_view path);

  // The answer to `method` (GET or HEAD; others 405) for `path`, which Owns.
  // "/console" redirects to "/console/"; "/console/" is index.html.
  Response Serve(std::string_view method, std::string_view path) const;

  bool built() const { return built_; }
  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File, std::less<>> files_;  // by path relative to dir
  bool built_ = false;
};

// The Content-Type of a console file by its extension; octet-stream for one
// the console does not use (the browser then does not interpret it).
std::string_view ConsoleContentType(std::string_view name);

}  // namespace mamori::api
