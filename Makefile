# SecureComm: the two commands of the README's quick start, plus what CI and developers use.
#   make run    install what is missing, build, start the program (today: the self-check)
#   make test   install what is missing, build, run every test
# Other targets: build, test-asan, test-tsan, fuzz-smoke, bench, format, clean.

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

.PHONY: all setup build run test test-asan test-tsan fuzz-build fuzz-smoke bench format clean

all: build

setup:
	@tools/setup.sh

build/release/build.ninja: CMakeLists.txt CMakePresets.json | setup
	@cmake --preset release >/dev/null

build: setup build/release/build.ninja
	@cmake --build --preset release -j $(JOBS)

run: build
	@./build/release/apps/selfcheck/securecomm-selfcheck

test: build
	@ctest --preset release -j $(JOBS)
	@./build/release/apps/selfcheck/securecomm-selfcheck

test-asan: setup
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS)

test-tsan: setup
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)
	@ctest --preset tsan -j $(JOBS)

fuzz-build: setup
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)

# Runs every fuzz target for FUZZ_SECONDS on a copy of its seed corpus.
fuzz-smoke: fuzz-build
	@tests/fuzz/run_smoke.sh build/fuzz/tests/fuzz $(FUZZ_SECONDS)

bench: build
	@./build/release/bench/crypto_bench
	@./build/release/bench/scp_bench
	@./build/release/bench/scp_tcp_bench
	@./build/release/bench/audit_bench

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	@rm -rf build
