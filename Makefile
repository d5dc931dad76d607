# The two commands of the README: `make run` and `make test`. Everything else
# here is a convenience for developers. Both builds use line-table debug info
# (-g1): enough for perf, callgrind and sanitizer stack traces, and much
# cheaper to compile than full -g.
BUILD ?= build/release
ASAN_BUILD ?= build/asan
JOBS ?= $(shell nproc)
DATA ?= var/demo

.PHONY: all deps build test run asan test-asan bench format tidy clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja: | deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

run: build
	@MAMORI=$(BUILD)/src/cli/mamori scripts/demo $(DATA)

$(ASAN_BUILD)/build.ninja: | deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" \
	  -DMAMORI_SANITIZE=ON -DMAMORI_BUILD_BENCH=OFF >/dev/null

asan: deps $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD) -j $(JOBS)

test-asan: asan
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	@scripts/bench $(BUILD)

format:
	@clang-format -i $$(git ls-files 'src/*.h' 'src/*.cc' 'tests/*.h' 'tests/*.cc' 'bench/*.cc')

# clang-tidy-19 (.clang-tidy) over every source file, file by file: needs a
# non-unity compile database of its own. About 15 minutes on 2 cores.
TIDY_BUILD ?= build/tidy
tidy: deps
	@command -v clang-tidy-19 >/dev/null || sudo apt-get install -y -qq clang-tidy-19 >/dev/null
	@cmake -S . -B $(TIDY_BUILD) -G Ninja -DCMAKE_UNITY_BUILD=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@git ls-files 'src/*.cc' 'tests/*.cc' 'bench/*.cc' | xargs -P $(JOBS) -n 1 clang-tidy-19 -p $(TIDY_BUILD) --quiet

clean:
	rm -rf build
