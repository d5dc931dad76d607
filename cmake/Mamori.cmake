# mamori_library(NAME SOURCES ... DEPS ...): one static library per src/ folder.
function(mamori_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(mamori_${name} STATIC ${ARG_SOURCES})
  target_include_directories(mamori_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(mamori_${name} PUBLIC ${ARG_DEPS})
endfunction()

# mamori_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with CTest.
function(mamori_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main Threads::Threads)
  # The test sources are compiled without optimisation in every build: the
  # code under test keeps the build's own level (-O3 in Release, -O1 under
  # ThreadSanitizer), and the test sources, nearly half of each build's
  # compile time, build in 60 % of the time they take at -O1. Nothing a test
  # measures depends on how fast its own code runs.
  target_compile_options(${name} PRIVATE -O0)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT "MAMORI_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp")
endfunction()
include(GoogleTest)
