# Writes the control catalogue (controls/000.tsv … 004.tsv) into a C++ source
# as raw string literals, so that a built mamori carries the catalogue its
# compliance report reads and needs no repository checkout (catalogue.h).
#   cmake -DOUT=catalogue_data.cc -DFILES="a.tsv;b.tsv" -P embed_catalogue.cmake
set(body "// Generated at build time by src/governance/embed_catalogue.cmake from\n")
string(APPEND body "// controls/*.tsv. Do not edit: edit the catalogue.\n")
string(APPEND body "#include \"governance/catalogue.h\"\n\nnamespace mamori::governance {\n\n")
string(APPEND body "const std::vector<CatalogueFile>& EmbeddedCatalogueFiles() {\n")
string(APPEND body "  static const std::vector<CatalogueFile> kFiles = {\n")
foreach(f IN LISTS FILES)
  file(READ "${f}" text)
  string(FIND "${text}" ")mamori_tsv\"" bad)
  if(NOT bad EQUAL -1)
    message(FATAL_ERROR "${f} contains the raw-string delimiter )mamori_tsv\"")
  endif()
  get_filename_component(name "${f}" NAME_WE)
  string(APPEND body "      {\"${name}\", R\"mamori_tsv(${text})mamori_tsv\"},\n")
endforeach()
string(APPEND body "  };\n  return kFiles;\n}\n\n}  // namespace mamori::governance\n")
# Rewrite only on change, so that an untouched catalogue rebuilds nothing.
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${body}")
