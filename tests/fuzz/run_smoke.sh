#!/usr/bin/env bash
# run_smoke.sh BIN_DIR SECONDS: runs every fuzz target in BIN_DIR for SECONDS each, starting from
# a scratch copy of its seed corpus (tests/fuzz/corpus/<target>), so the checked-in seeds never
# change. Fails on the first crash, leak or sanitizer report.
set -euo pipefail
bin_dir=$1
seconds=$2
src_dir=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in "$bin_dir"/*_fuzz; do
  name=$(basename "$target")
  mkdir -p "$work/$name"
  cp -r "$src_dir/corpus/$name/." "$work/$name/" 2>/dev/null || true
  echo "fuzz: $name for ${seconds}s"
  "$target" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 -artifact_prefix="$work/" "$work/$name" \
    >"$work/$name.log" 2>&1 || {
    tail -n 40 "$work/$name.log"
    mkdir -p fuzz-artifacts && cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* fuzz-artifacts/ 2>/dev/null || true
    echo "fuzz: $name FAILED (reproducer in fuzz-artifacts/)"
    exit 1
  }
  grep -E "stat::number_of_executed_units" "$work/$name.log" | sed "s/^/  /"
done
