#include "api/console_assets.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

namespace mamori::api {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxTotalBytes = size_t{64} << 20;

// No inline script or style anywhere, no framing, nothing from another
// origin: the console's code, styles and API calls are all 'self'.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

// The page of a server whose console was not built: no script, no style.
constexpr std::string_view kNotBuiltPage =
    "<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
    "<title>mamori コンソール / console</title></head><body>"
    "<h1>コンソールはビルドされていません</h1>"
    "<p>このサーバにはウェブコンソールのファイルがありません。<code>make build</code> "
    "(scripts/build-console) でビルドするか、<code>mamori serve --console-dir</code> "
    "でビルド済みのディレクトリを指定してください。</p>"
    "<h1 lang=\"en\">The console has not been built</h1>"
    "<p lang=\"en\">This server has no web console files. Build them with "
    "<code>make build</code> (scripts/build-console), or name a built directory with "
    "<code>mamori serve --console-dir</code>.</p></body></html>\n";

Response Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

Response NotFound() {
  return Text(404, "コンソールにこのファイルはありません / no such file in the console\n");
}

void AddSecurityHeaders(Response& r, std::string_view cache_control) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  r.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  r.headers.emplace_back("Cache-Control", std::string(cache_control));
}

// The file a request path under /console/ names, or nullopt when the path
// could name anything outside the directory (see the header). Each segment
// is decoded on its own, so an escaped '/' cannot join two.
std::optional<std::string> RelativeName(std::string_view encoded) {
  if (encoded.empty()) return std::string("index.html");
  std::string name;
  while (true) {
    const size_t slash = encoded.find('/');
    auto segment = PercentDecode(encoded.substr(0, slash), false);
    if (!segment || segment->empty() || *segment == "." || *segment == "..") return std::nullopt;
    for (const char c : *segment) {
      const auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f || c == '/' || c == '\\' || c == ':') return std::nullopt;
    }
    name += *segment;
    if (slash == std::string_view::npos) return name;
    name += '/';
    encoded.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string_view ConsoleContentType(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  };
  for (const auto& [ext, type] : kTypes) {
    if (name.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

Result<ConsoleAssets> ConsoleAssets::Load(const std::string& dir) {
  ConsoleAssets assets;
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (ec || status.type() == fs::file_type::not_found) return assets;  // not built
  if (status.type() != fs::file_type::directory) {
    return Fail(Status::InvalidArgument("the console directory is not a directory",
                                        "コンソールのディレクトリがディレクトリではありません",
                                        "console-dir"));
  }
  const fs::path root = fs::path(dir).lexically_normal();
  size_t total = 0;
  // Symbolic links are neither followed into directories nor served.
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) continue;
    std::string relative = entry.path().lexically_relative(root).generic_string();
    if (!RelativeName(relative)) continue;  // a name no request could reach
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) {
      return Fail(Status::InvalidArgument("a console file cannot be read",
                                          "コンソールのファイルを読めません", "console-dir"));
    }
    File file{std::string(ConsoleContentType(relative)), std::move(body).str()};
    total += file.body.size();
    if (total > kMaxTotalBytes) {
      return Fail(Status::InvalidArgument("the console directory holds more than 64 MiB",
                                          "コンソールのディレクトリが 64 MiB を超えています",
                                          "console-dir"));
    }
    assets.files_.emplace(std::move(relative), std::move(file));
  }
  if (ec) {
    return Fail(Status::InvalidArgument("the console directory cannot be read",
                                        "コンソールのディレクトリを読めません", "console-dir"));
  }
  assets.built_ = assets.files_.contains("index.html");
  return assets;
}

bool ConsoleAssets::Owns(std::string_view path) {
  return path == kConsolePath.substr(0, kConsolePath.size() - 1) || path.starts_with(kConsolePath);
}

Response ConsoleAssets::Serve(std::string_view method, std::string_view path) const {
  Response r;
  if (method != "GET" && method != "HEAD") {
    r = Text(405, "コンソールは GET のみです / the console answers GET only\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
  } else if (!path.starts_with(kConsolePath)) {
    r.status = 308;
    r.headers.emplace_back("Location", std::string(kConsolePath));
  } else if (!built_) {
    if (path == kConsolePath) {
      r.status = 503;
      r.content_type = "text/html; charset=utf-8";
      r.body = std::string(kNotBuiltPage);
    } else {
      r = NotFound();
    }
  } else if (auto name = RelativeName(path.substr(kConsolePath.size())); !name) {
    r = NotFound();
  } else if (auto file = files_.find(*name); file == files_.end()) {
    r = NotFound();
  } else {
    r.content_type = file->second.content_type;
    r.body = file->second.body;
    // Vite names what it bundles by content hash, so a changed file has a
    // new name: those may be kept; index.html must be revalidated.
    AddSecurityHeaders(
        r, name->starts_with("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    if (method == "HEAD") r.body.clear();
    return r;
  }
  AddSecurityHeaders(r, "no-store");
  return r;
}

}  // namespace mamori::api
