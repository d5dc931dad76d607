# Turns data/common-words.txt into a C++ source holding its text, so the
# mamori binary checks passwords against the shipped word list wherever it is
# run from. Invoked by the custom command in CMakeLists.txt as
#   cmake -DINPUT=... -DOUTPUT=... -P embed_words.cmake
file(READ "${INPUT}" words)
if(words MATCHES "\\)mamori_words\"")
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from data/common-words.txt by src/identity/embed_words.cmake. Do not edit.\n"
  "#include <cstddef>\n"
  "namespace mamori::identity::internal {\n"
  "extern const char kEmbeddedCommonWords[];\n"
  "extern const std::size_t kEmbeddedCommonWordsSize;\n"
  "const char kEmbeddedCommonWords[] = R\"mamori_words(${words})mamori_words\";\n"
  "const std::size_t kEmbeddedCommonWordsSize = sizeof(kEmbeddedCommonWords) - 1;\n"
  "}  // namespace mamori::identity::internal\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
