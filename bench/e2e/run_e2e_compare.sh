#!/usr/bin/env bash
# run_e2e_compare.sh: our end-to-end layer beside libsignal-protocol-c and libolm, in one process
# on this machine (bench/README.md, "e2e"; `make bench-e2e` runs it).
#
#   bench/e2e/run_e2e_compare.sh [build_dir] [securecomm-e2e-compare flags...]
#   bench/e2e/run_e2e_compare.sh build/e2e-compare --rounds=41 --min_time=0.1
#
# 1. Installs Debian's libsignal-protocol-c-dev and libolm-dev if pkg-config does not find them
#    (apt-get, non-interactive; through sudo when not root).
# 2. Configures a build directory of its own (default build/e2e-compare: the comparison program
#    links GPL-3.0 code, so it never shares a build with the shipped programs) from the release
#    preset with -DSC_BENCH_E2E_COMPARE=ON, and builds only securecomm-e2e-compare
#    (JOBS parallel jobs, default: the number of cores).
# 3. Runs it: the table of rates, ratios ours/theirs and goals (about 20 s on 2 cores).
# Exit status: the program's (2 if a side fails its cross-check; 1 with --strict and a missed goal).
set -euo pipefail

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build/e2e-compare}
[[ $# -gt 0 ]] && shift
jobs=${JOBS:-$(nproc)}
cd "$src"

need=()
pkg-config --exists libsignal-protocol-c 2>/dev/null || need+=(libsignal-protocol-c-dev)
pkg-config --exists olm 2>/dev/null || need+=(libolm-dev)
if ((${#need[@]} > 0)); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q)
  echo "run_e2e_compare: installing ${need[*]}"
  # Package lists may be missing or stale on a fresh machine: update once and retry.
  "${apt[@]}" install --no-install-recommends "${need[@]}" ||
    { "${apt[@]}" update && "${apt[@]}" install --no-install-recommends "${need[@]}"; }
fi

echo "run_e2e_compare: configuring $build (SC_BENCH_E2E_COMPARE=ON)"
cmake --preset release -B "$build" -DSC_BUILD_TESTS=OFF -DSC_BENCH_E2E_COMPARE=ON >/dev/null
cmake --build "$build" -j "$jobs" --target securecomm-e2e-compare
exec "$build/bench/e2e/securecomm-e2e-compare" "$@"
