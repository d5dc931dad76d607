# The two commands of the README: `make run` and `make test`. Everything else
# here is a convenience for developers, and what CI (.ci/run) runs.
#
# `make test` builds Release, the -O3 build a user or packager gets, plus
# line-table debug info (-g1): enough for perf, callgrind and sanitizer stack
# traces, and much cheaper to compile than full -g. Warnings are never errors
# by default, so an ordinary build with another compiler still succeeds;
# WERROR=ON (what CI sets) makes them errors in every build below.
BUILD ?= build/release
ASAN_BUILD ?= build/asan
TSAN_BUILD ?= build/tsan
JOBS ?= $(shell nproc)
DATA ?= var/demo
WERROR ?= OFF
# Every build, the sanitizer ones included, compiles in unity batches: the
# ASan build file by file took 13 of CI's 40 minutes. Unity batches can hide
# a source file that forgets an include it uses; `make tidy` (file by file,
# its own compile database) and ASAN_UNITY=OFF still find those.
ASAN_UNITY ?= ON

RELEASE_FLAGS = -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g1 -DMAMORI_WERROR=$(WERROR)
ASAN_FLAGS = -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" -DMAMORI_SANITIZE=ON \
  -DMAMORI_BUILD_BENCH=OFF -DCMAKE_UNITY_BUILD=$(ASAN_UNITY) -DMAMORI_WERROR=$(WERROR)
# ThreadSanitizer wants some optimisation (-O1) to run at a usable speed;
# assertions stay on.
TSAN_FLAGS = -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DMAMORI_TSAN=ON \
  -DMAMORI_BUILD_BENCH=OFF -DMAMORI_WERROR=$(WERROR)
# halt_on_error: the first race fails its test, with both stacks.
TSAN_ENV = TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp"

# configure DIR FLAGS: (re)configures DIR when it has no build.ninja or was
# configured with other FLAGS (e.g. WERROR=ON after OFF), so a variable given
# to make always takes effect.
define configure
	@if [ ! -f $(1)/build.ninja ] || [ "$$(cat $(1)/.make-flags 2>/dev/null)" != '$(2)' ]; then \
	  cmake -S . -B $(1) -G Ninja $(2) >/dev/null && echo '$(2)' > $(1)/.make-flags; fi
endef

.PHONY: all deps build test run asan test-asan tsan test-tsan bench format tidy clean

all: build

deps:
	@scripts/install-deps

build: deps
	$(call configure,$(BUILD),$(RELEASE_FLAGS))
	@ninja -C $(BUILD) -j $(JOBS)
	@scripts/build-console $(BUILD)/src/cli/console

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

run: build
	@MAMORI=$(BUILD)/src/cli/mamori scripts/demo $(DATA)

asan: deps
	$(call configure,$(ASAN_BUILD),$(ASAN_FLAGS))
	@ninja -C $(ASAN_BUILD) -j $(JOBS)

test-asan: asan
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS) --timeout 900

tsan: deps
	$(call configure,$(TSAN_BUILD),$(TSAN_FLAGS))
	@ninja -C $(TSAN_BUILD) -j $(JOBS)

test-tsan: tsan
	@cd $(TSAN_BUILD) && $(TSAN_ENV) ctest --output-on-failure -j $(JOBS) --timeout 900

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
