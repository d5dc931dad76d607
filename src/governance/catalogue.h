// The control catalogue (管理策一覧, controls/README.md) as the compliance
// report reads it: one row per clause of the five source documents, with
// the control, its mode, and the code and tests that implement it.
//
// The catalogue is kept as data in the repository (controls/000.tsv …
// 004.tsv) and compiled into the binary at build time
// (embed_catalogue.cmake), so that a built mamori reports on the catalogue
// it was built with and needs no checkout. A test checks that the embedded
// text equals the files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace mamori::governance {

// The five sources (docs/REQUIREMENTS.md "The sources").
inline constexpr std::string_view kSources[] = {"000", "001", "002", "003", "004"};
bool IsSource(std::string_view source);

enum class Mode { kEnforced, kEvidenced, kAttested, kPlanned, kNotApplicable };
std::string_view ModeName(Mode m);  // "enforced", …, "not_applicable"

struct ControlRow {
  std::string source;  // "002"
  std::string clause;  // "第3条", unique within its source
  std::string requirement, control;
  Mode mode = Mode::kPlanned;
  std::string reason;
  std::vector<std::string> code;   // "src/audit/verify.h#VerifyLog", …
  std::vector<std::string> tests;  // "Suite.Name", "ctest:NAME"
};

// One catalogue file as embedded: its source and its text, byte for byte.
struct CatalogueFile {
  std::string source;
  std::string_view text;
};
// Generated (catalogue_data.cc), in source order.
const std::vector<CatalogueFile>& EmbeddedCatalogueFiles();

// Parses one file's text (header row first). kDataLoss on a malformed row:
// the embedded catalogue passed check_catalogue.py when it was built, so a
// failure here means a damaged binary or a checker that let it through.
Result<std::vector<ControlRow>> ParseCatalogue(std::string_view source, std::string_view text);

// Every row of the embedded catalogue, by source then file order; parsed
// once.
Result<std::vector<ControlRow>> EmbeddedCatalogue();

// The row of `clause` in `source`, or nullptr.
const ControlRow* FindRow(const std::vector<ControlRow>& rows, std::string_view source,
                          std::string_view clause);

}  // namespace mamori::governance
