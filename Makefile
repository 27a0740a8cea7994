# SecureComm: the two commands of the README's quick start, plus what CI and developers use.
#   make run    install what is missing, build, check the crypto vectors, start the relay
#   make test   install what is missing, build, run every test
#   make lint   build, then clang-format and clang-tidy over the tree (tools/lint.sh); CI runs it
# Other targets: build, test-asan, test-tsan, fuzz-smoke, bench, format, clean.

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

.PHONY: all setup build lint run test test-asan test-tsan fuzz-build fuzz-smoke bench bench-relay bench-e2e bench-e2e-latency durability format clean

all: build

setup:
	@tools/setup.sh

build/release/build.ninja: CMakeLists.txt CMakePresets.json | setup
	@cmake --preset release >/dev/null

build: setup build/release/build.ninja
	@cmake --build --preset release -j $(JOBS)

# clang-format (--dry-run) over every tracked .cc and .h, clang-tidy over what the release preset
# compiles (its compile_commands.json); fails on any finding. Several minutes (tools/lint.sh).
lint: build
	@JOBS=$(JOBS) tools/lint.sh build/release

# The relay keeps its keys and messages in $(RUN_DIR)/relay (created on first start).
RUN_DIR ?= run
run: build
	@./build/release/apps/selfcheck/securecomm-selfcheck
	@echo
	@echo "Starting securecomm-relay with its data in $(RUN_DIR)/relay (Ctrl-C stops it cleanly)."
	@echo "Connect a client (README: alice and bob) in another terminal:"
	@echo "  ./build/release/apps/cli/securecomm --home ~/alice init --relay @$(RUN_DIR)/relay/connection.txt"
	@./build/release/apps/relay/securecomm-relay --data-dir $(RUN_DIR)/relay

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

# The relay's benchmarks (idle connections, message rate and latency, with their anchors):
# bench/relay/README.md. Several minutes; needs loopback and up to 20,000 descriptors.
bench-relay: build
	@bench/relay/run_relay_bench.sh build/release

# The end-to-end layer beside libsignal-protocol-c and libolm (bench/README.md, "e2e"): installs
# both, builds the comparison (GPL-3.0 code, never shipped) in build/e2e-compare, runs it.
bench-e2e: setup
	@JOBS=$(JOBS) bench/e2e/run_e2e_compare.sh build/e2e-compare

# Client-to-client latency through a local relay, two Messengers at 100 messages/s for 10 s,
# beside the same relay's raw RelayClient latency (bench/README.md, "e2e latency"). ~25 s.
bench-e2e-latency: setup build/release/build.ninja
	@cmake --build --preset release -j $(JOBS) --target securecomm-e2e-latency
	@./build/release/bench/e2e/securecomm-e2e-latency

# The long durability run: senders, SIGKILL at random moments, restart, check (tools/).
durability: build
	@tools/relay-durability.sh build/release

format:
	@git ls-files -z '*.cc' '*.h' | xargs -0 clang-format-14 -i

clean:
	@rm -rf build
