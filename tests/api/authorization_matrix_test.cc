// The authorisation matrix: every route of the route table × every person of
// the demo organisation (scripts/demo-data/organisation.json, seeded through
// the same code as `make run`) and an anonymous client, through the real
// server, identity and policy. The expected allow/deny of each cell is data,
// kept in tests/api/authorization_matrix.tsv, so that a change of who may do
// what is a reviewed change of that file.
//
// A cell is "deny" when the server answers 403 (401 for the anonymous
// client): the request was refused before anything ran. Anything else is
// "allow": the request passed authorisation (it may still be a 400 for the
// empty body, or a 404 for the placeholder ids, which name nobody).
//
// Data routes are tried on each demo dataset under its registered purpose;
// the collection GET also with ?field= (record.find). When the file and the
// server disagree, the whole matrix as it stands is written to
// $MAMORI_TEST_TMP/authorization_matrix.actual.tsv for review.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "api/demo_org_fixture.h"

namespace mamori::api::testing {
namespace {

// One row of the matrix: a request shape.
struct Row {
  std::string method, route, dataset = "-", purpose = "-";
  std::string operation;
  std::string Key() const { return method + "\t" + route + "\t" + dataset + "\t" + purpose; }
};

class AuthorizationMatrixTest : public DemoOrgTest {
 protected:
  std::vector<Row> Rows() {
    std::vector<Row> rows, last;
    for (const Route& route : api_->router().routes()) {
      const RouteSpec& spec = *route.spec;
      Row row;
      row.method = route.method;
      row.route = route.pattern;
      row.operation = spec.operation;
      if (spec.guard != Guard::kData) {
        (spec.operation == "auth.logout" ? last : rows).push_back(row);
        continue;
      }
      for (const auto& d : kDemoData) {
        Row r = row;
        r.dataset = d.dataset;
        r.purpose = spec.purpose ? d.purpose : "-";
        rows.push_back(r);
        if (!spec.variant_param.empty()) {
          r.route += "?" + spec.variant_param;
          r.operation = spec.variant_operation;
          rows.push_back(r);
        }
      }
    }
    rows.insert(rows.end(), last.begin(), last.end());
    return rows;
  }

  // The concrete request of a row: placeholders name nobody, so an allowed
  // request stops at 404 (or 400 for the empty body) before changing
  // anything but the record the row's dataset holds.
  std::string Target(const Row& row) {
    std::string route = row.route;
    std::string variant;
    if (auto q = route.find('?'); q != std::string::npos) {
      variant = route.substr(q + 1);
      route.resize(q);
    }
    const std::map<std::string, std::string> values = {{"{ds}", row.dataset},
                                                       {"{id}", records_[row.dataset]},
                                                       {"{user}", "zz-nobody"},
                                                       {"{terminal}", "zz-none"},
                                                       {"{account}", "zz-none"},
                                                       {"{request}", "R99999999"},
                                                       {"{grant}", "G99999999"},
                                                       {"{campaign}", "C99999999"},
                                                       {"{item}", "I99999999"},
                                                       {"{role}", "custom_matrix"},
                                                       {"{position}", "matrix"},
                                                       {"{finding}", "F99999999"},
                                                       {"{list}", "L99999999"},
                                                       {"{approval}", "A99999999"},
                                                       {"{takeout}", std::string(32, '0')},
                                                       {"{exception}", "A99999999"},
                                                       {"{report}", "XR99999999"},
                                                       {"{inquiry}", "Q99999999"},
                                                       {"{connection}", "zz-none"},
                                                       {"{kind}", "notification"},
                                                       {"{entry}", "ZZ99999"},
                                                       {"{audit}", "IA999999"},
                                                       {"{inspection}", "SI9999"},
                                                       {"{order}", "O99"}};
    for (const auto& [param, value] : values) {
      for (size_t at; (at = route.find(param)) != std::string::npos;) {
        route.replace(at, param.size(), value);
      }
    }
    std::vector<std::string> query;
    if (row.purpose != "-") query.push_back("purpose=" + row.purpose);
    if (const RouteSpec* spec =
            FindRouteSpec(RouteTable(), row.method, row.route.substr(0, row.route.find('?')));
        spec && !spec->dataset_query.empty()) {
      query.push_back(spec->dataset_query + "=" + row.dataset);
    }
    if (!variant.empty()) query.push_back(variant + "=name&value=x");
    if (row.operation == "record.shred") query.push_back("reason=duplicate");
    for (size_t i = 0; i < query.size(); ++i) route += (i ? "&" : "?") + query[i];
    return route;
  }

  std::string Decide(const Row& row, const std::string& token) {
    const bool body = row.method == "POST" || row.method == "PUT" || row.method == "PATCH";
    auto r = Send(token, row.method, Target(row), body ? "{}" : "");
    if (r.status == 403 || (token.empty() && r.status == 401)) return "deny";
    if (r.status == 401) return "unauthenticated";  // a lost session: a test bug
    return "allow";
  }

  // method, route, dataset, purpose → decision per column, from the file.
  std::map<std::string, std::map<std::string, std::string>> Expected(
      std::vector<std::string>* columns) {
    std::map<std::string, std::map<std::string, std::string>> out;
    std::ifstream in(kDemoSource + "/tests/api/authorization_matrix.tsv");
    EXPECT_TRUE(in.good()) << "tests/api/authorization_matrix.tsv is missing";
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cells;
      std::stringstream ss(line);
      for (std::string cell; std::getline(ss, cell, '\t');) cells.push_back(cell);
      if (cells[0] == "method") {
        columns->assign(cells.begin() + 4, cells.end());
        continue;
      }
      EXPECT_EQ(cells.size(), 4 + columns->size()) << line;
      const std::string key = cells[0] + "\t" + cells[1] + "\t" + cells[2] + "\t" + cells[3];
      for (size_t c = 0; c < columns->size() && 4 + c < cells.size(); ++c) {
        out[key][(*columns)[c]] = cells[4 + c];
      }
    }
    return out;
  }
};

TEST_F(AuthorizationMatrixTest, EveryRouteForEveryPersonIsAsTheMatrixSays) {
  std::vector<std::string> columns = {"anonymous"};
  columns.insert(columns.end(), users_.begin(), users_.end());
  std::vector<std::string> file_columns;
  auto expected = Expected(&file_columns);
  EXPECT_EQ(file_columns, columns) << "the matrix's columns are not the demo organisation's";

  std::ostringstream actual;
  actual << "method\troute\tdataset\tpurpose";
  for (const auto& c : columns) actual << "\t" << c;
  actual << "\n";
  size_t mismatches = 0;
  for (const Row& row : Rows()) {
    actual << row.Key();
    auto want = expected.find(row.Key());
    if (want == expected.end()) {
      ADD_FAILURE() << "no row in the matrix for " << row.Key();
      ++mismatches;
    }
    for (const auto& column : columns) {
      const std::string got = Decide(row, column == "anonymous" ? "" : tokens_[column]);
      actual << "\t" << got;
      if (want == expected.end()) continue;
      const std::string wanted = want->second[column];
      if (got != wanted) {
        ADD_FAILURE() << row.Key() << " as " << column << ": " << got << ", the matrix says "
                      << wanted;
        ++mismatches;
      }
    }
    actual << "\n";
    if (want != expected.end()) expected.erase(want);
  }
  for (const auto& [key, cells] : expected) {
    ADD_FAILURE() << "the matrix has a row for a route the server does not serve: " << key;
    ++mismatches;
  }
  if (mismatches > 0) {
    const char* tmp = std::getenv("MAMORI_TEST_TMP");
    const std::string path = std::string(tmp ? tmp : "/tmp") + "/authorization_matrix.actual.tsv";
    std::ofstream(path) << actual.str();
    ADD_FAILURE() << mismatches << " cells differ; the matrix as the server has it: " << path;
  }
}

}  // namespace
}  // namespace mamori::api::testing
