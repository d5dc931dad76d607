# Turns controls/inspection_items.tsv into a C++ source holding its text, so
# the mamori binary generates self-inspection checklists from the shipped
# items wherever it runs. Invoked by the custom command in CMakeLists.txt as
#   cmake -DINPUT=... -DOUTPUT=... -P embed_items.cmake
file(READ "${INPUT}" items)
if(items MATCHES "\\)mamori_items\"")
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from controls/inspection_items.tsv by src/governance/embed_items.cmake. Do not edit.\n"
  "namespace mamori::governance::internal {\n"
  "extern const char kEmbeddedInspectionItems[];\n"
  "const char kEmbeddedInspectionItems[] = R\"mamori_items(${items})mamori_items\";\n"
  "}  // namespace mamori::governance::internal\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
