// The web console's static files at /console/ (api/console_assets.h),
// through the request pipeline: security headers on every answer, content
// types, caching of hashed assets only, and every request path that could
// reach outside the console's directory refused.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "api/console_assets.h"
#include "api/service.h"
#include "api/test_auth.h"

namespace mamori::api::testing {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> HeaderValues(const Response& r, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : r.headers) {
    if (k == name) out.push_back(v);
  }
  return out;
}

std::string Header(const Response& r, std::string_view name) {
  auto values = HeaderValues(r, name);
  return values.size() == 1 ? values[0] : "(" + std::to_string(values.size()) + " values)";
}

// One directory for the whole binary: a built console, a file outside it
// that a symbolic link inside points to, and an unbuilt (empty) directory.
class ConsoleAssetsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new fs::path(fs::temp_directory_path() /
                         ("mamori-console-test-" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    Write(*root_ / "outside" / "secret.txt", "outside the console");
    Write(*root_ / "built" / "index.html", "<!doctype html><title>t</title>");
    Write(*root_ / "built" / "assets" / "index-AbC123.js", "console.log(1)");
    Write(*root_ / "built" / "assets" / "index-AbC123.css", "body{}");
    fs::create_symlink(*root_ / "outside" / "secret.txt", *root_ / "built" / "link.txt");
    fs::create_directory_symlink(*root_ / "outside", *root_ / "built" / "linkdir");
    fs::create_directories(*root_ / "empty");
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
  }

  ConsoleAssetsTest() : logger_(LogLevel::kOff) {}

  // A pipeline with no routes at all, serving `assets`.
  Response Get(const ConsoleAssets& assets, std::string target, std::string method = "GET") {
    if (!service_) service_ = std::make_unique<Service>(Router(), auth_, authz_, logger_, metrics_);
    service_->SetConsole(&assets);
    Request r;
    r.info.method = std::move(method);
    r.info.target = std::move(target);
    r.info.peer.address = "127.0.0.1";
    return service_->Handle(std::move(r));
  }

  static ConsoleAssets Built() {
    auto assets = ConsoleAssets::Load((*root_ / "built").string());
    EXPECT_TRUE(assets.has_value());
    return assets ? std::move(*assets) : ConsoleAssets();
  }

  static void ExpectSecurityHeaders(const Response& r) {
    const std::string csp = Header(r, "Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << csp;
    EXPECT_NE(csp.find("style-src 'self';"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
    EXPECT_EQ(Header(r, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(Header(r, "X-Frame-Options"), "DENY");
    EXPECT_EQ(HeaderValues(r, "Cache-Control").size(), 1u);
  }

  static fs::path* root_;
  FixedTokenAuthenticator auth_;
  TestAuthorizer authz_;
  Logger logger_;
  Metrics metrics_;
  std::unique_ptr<Service> service_;
};

fs::path* ConsoleAssetsTest::root_ = nullptr;

TEST_F(ConsoleAssetsTest, ServesFilesWithTypesSecurityHeadersAndCaching) {
  const ConsoleAssets assets = Built();
  ASSERT_TRUE(assets.built());

  Response index = Get(assets, "/console/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>t</title>");
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
  ExpectSecurityHeaders(index);
  EXPECT_EQ(Get(assets, "/console/index.html?lang=en").body, index.body);

  Response js = Get(assets, "/console/assets/index-AbC123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  ExpectSecurityHeaders(js);
  Response css = Get(assets, "/console/assets/index-AbC123.css");
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  ExpectSecurityHeaders(css);

  Response bare = Get(assets, "/console");
  EXPECT_EQ(bare.status, 308);
  EXPECT_EQ(Header(bare, "Location"), "/console/");
  ExpectSecurityHeaders(bare);

  Response post = Get(assets, "/console/", "POST");
  EXPECT_EQ(post.status, 405);
  ExpectSecurityHeaders(post);
}

TEST_F(ConsoleAssetsTest, RefusesEveryPathThatCouldLeaveTheDirectory) {
  const ConsoleAssets assets = Built();
  for (const char* target : {
           "/console/../console/index.html",
           "/console/assets/../index.html",
           "/console/%2e%2e/outside/secret.txt",
           "/console/..%2foutside%2fsecret.txt",
           "/console/assets%2findex-AbC123.js",
           "/console//index.html",
           "/console/./index.html",
           "/console/assets%5c..%5cindex.html",
           "/console/index.html%00.js",
           "/console/link.txt",            // a symbolic link to a file outside
           "/console/linkdir/secret.txt",  // through a linked directory
           "/console/missing.js",
           "/console/%zz",
       }) {
    SCOPED_TRACE(target);
    Response r = Get(assets, target);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body.find("outside the console"), std::string::npos);
    ExpectSecurityHeaders(r);
  }
  // Only the three files of the directory were read.
  EXPECT_EQ(assets.file_count(), 3u);
}

TEST_F(ConsoleAssetsTest, AnUnbuiltConsoleSaysSoInJapaneseAndEnglish) {
  for (const fs::path& dir : {*root_ / "empty", *root_ / "no-such-directory"}) {
    SCOPED_TRACE(dir.string());
    auto assets = ConsoleAssets::Load(dir.string());
    ASSERT_TRUE(assets.has_value());
    EXPECT_FALSE(assets->built());
    Response r = Get(*assets, "/console/");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
    EXPECT_NE(r.body.find("コンソールはビルドされていません"), std::string::npos);
    EXPECT_NE(r.body.find("The console has not been built"), std::string::npos);
    EXPECT_EQ(r.body.find("<script"), std::string::npos);
    ExpectSecurityHeaders(r);
    EXPECT_EQ(Get(*assets, "/console/assets/x.js").status, 404);
  }
  auto file = ConsoleAssets::Load((*root_ / "built" / "index.html").string());
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), Code::kInvalidArgument);
}

// The API's answers keep their no-store, and a server without a console
// answers /console/ as any unknown path.
TEST_F(ConsoleAssetsTest, OtherAnswersAreUnchanged) {
  service_ = std::make_unique<Service>(Router(), auth_, authz_, logger_, metrics_);
  Request r;
  r.info.method = "GET";
  r.info.target = "/console/";
  r.info.peer.address = "127.0.0.1";
  Response none = service_->Handle(std::move(r));
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(Header(none, "Cache-Control"), "no-store");
  EXPECT_TRUE(HeaderValues(none, "Content-Security-Policy").empty());
  EXPECT_FALSE(ConsoleAssets::Owns("/consoles"));
  EXPECT_FALSE(ConsoleAssets::Owns("/v1/console/"));
  EXPECT_TRUE(ConsoleAssets::Owns("/console"));
}

TEST(ConsoleContentTypeTest, KnownAndUnknownExtensions) {
  EXPECT_EQ(ConsoleContentType("a.svg"), "image/svg+xml");
  EXPECT_EQ(ConsoleContentType("a.woff2"), "font/woff2");
  EXPECT_EQ(ConsoleContentType("a.map.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace mamori::api::testing
