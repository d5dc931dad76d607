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
  if(MAMORI_SANITIZE)
    # The test sources leave out UBSan's null, alignment and pointer-overflow
    # checks, which instrument every pointer use: api_test's first unity
    # batch compiles in 64 s of CPU without them against 99 s with them
    # (37 s with no sanitizer). The code under test keeps every check, and a
    # null or stray pointer in a test is still caught by ASan.
    target_compile_options(${name} PRIVATE -fno-sanitize=null,alignment,pointer-overflow)
  endif()
  set(test_env "MAMORI_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp")
  if(MAMORI_SANITIZE OR MAMORI_TSAN)
    # Under the sanitizers a binary runs as a few shards, not one process per
    # test: a sanitized process costs 0.15-0.2 s of CPU to start and set up
    # its suites (measured on audit_test's 87 tests: 30 s of CPU one process
    # per test against 17 s in one process under ASan, 43 s against 26 s
    # under TSan), about three minutes of CI over the ~1000 tests. One shard
    # per three source files keeps both cores busy to the end. A failing
    # shard prints its failed tests by name (--gtest_brief shows only those).
    list(LENGTH ARG_SOURCES source_count)
    math(EXPR shard_count "(${source_count} + 2) / 3")
    math(EXPR last_shard "${shard_count} - 1")
    foreach(shard RANGE 0 ${last_shard})
      add_test(NAME ${name}.shard${shard} COMMAND ${name} --gtest_brief=1)
      set_tests_properties(${name}.shard${shard} PROPERTIES COST 50 ENVIRONMENT
        "${test_env};GTEST_TOTAL_SHARDS=${shard_count};GTEST_SHARD_INDEX=${shard}")
    endforeach()
  else()
    # One process per test: every test is its own CTest entry, by name.
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT "${test_env}")
  endif()
endfunction()
include(GoogleTest)
