#!/usr/bin/env bash
# tools/lint.sh [BUILD_DIR]: the style and lint gate of `make lint` and .ci/run (CONTRIBUTING.md).
#   1. clang-format-14 --dry-run --Werror over every tracked .cc and .h (.clang-format);
#   2. clang-tidy-14 (.clang-tidy) over every project .cc in BUILD_DIR/compile_commands.json
#      (default build/release: the release preset's libs, apps, tests and bench), headers through
#      the HeaderFilterRegex of .clang-tidy. Generated code (protobuf, under build/) is skipped.
# Quiet on success but for the time of each part; on failure prints every finding and a count, and
# exits 1. Needs a configured BUILD_DIR whose generated headers exist (`make build` does both).
# JOBS=N sets the parallel clang-tidy processes (default: nproc); SC_LINT_ANALYZER=1 adds the
# clang static analyzer (several times slower; see .clang-tidy).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build/release}
jobs=${JOBS:-$(nproc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# --- 1. clang-format ---------------------------------------------------------------------------
t0=$(date +%s)
if ! git ls-files -z '*.cc' '*.h' | xargs -0 clang-format-14 --dry-run --Werror >"$tmp/format" 2>&1; then
  # One line per file (clang-format-14 --dry-run FILE shows where); a message that is not a
  # violation (an unreadable file, a bad .clang-format) is printed whole.
  grep -oE '^[^:]+:[0-9]+:[0-9]+: (error|warning): code should be clang-formatted' "$tmp/format" |
    cut -d: -f1 | sort -u >"$tmp/format.files" || true
  sed 's/^/  /' "$tmp/format.files"
  grep -E '^[^ ]+: ?(error|warning):' "$tmp/format" | grep -v 'code should be clang-formatted' || true
  echo "lint: clang-format: $(wc -l <"$tmp/format.files") file(s) differ from .clang-format" \
    "(clang-format-14 -i FILE, or make format over the tree)"
  status=1
fi
echo "lint: clang-format took $(( $(date +%s) - t0 ))s"

# --- 2. clang-tidy -----------------------------------------------------------------------------
db="$build/compile_commands.json"
if [ ! -f "$db" ]; then
  echo "lint: no $db (configure first: cmake --preset release)" >&2
  exit 1
fi
# The project's translation units: the "file" entries under libs/ apps/ tests/ bench/ of this
# checkout. Generated sources live under build/ and never match.
grep -oE '"file": *"[^"]+"' "$db" | sed -E 's/^"file": *"(.*)"$/\1/' |
  grep -E "^$root/(libs|apps|tests|bench)/" | sort -u >"$tmp/units"
if [ ! -s "$tmp/units" ]; then
  echo "lint: no project sources in $db" >&2
  exit 1
fi
t0=$(date +%s)
# The units are compiled by GCC 12; clang-tidy-14 reads them with three adjustments:
#  - C++2b for GCC's -std=c++23, which clang-14 does not know;
#  - no __cpp_if_consteval: GCC 12's library then takes its pre-C++23 path instead of an
#    `if consteval` that crashes clang-tidy 14 (readability-braces-around-statements);
#  - ASIO_HAS_CO_AWAIT: asio 1.22 looks for co_await support on clang only in the libc++
#    <experimental/coroutine>, never in the libstdc++ <coroutine> that clang-14 does support.
tidy_args=(-p "$build" --quiet --warnings-as-errors='*'
  --extra-arg=-std=c++2b --extra-arg=-U__cpp_if_consteval --extra-arg=-DASIO_HAS_CO_AWAIT=1)
# SC_LINT_ANALYZER=1: also the clang static analyzer, off in the gate for its cost (.clang-tidy).
if [ "${SC_LINT_ANALYZER:-0}" = 1 ]; then
  tidy_args+=(--checks='clang-analyzer-*,-clang-analyzer-deadcode.DeadStores')
fi
xargs -P "$jobs" -n 1 clang-tidy-14 "${tidy_args[@]}" <"$tmp/units" >"$tmp/tidy" 2>"$tmp/tidy.err" || tidy_rc=$?
# The findings located in the project, each once (a header's finding comes once per unit that
# includes it). A path-sensitive clang-analyzer report can end in a library's header (Google
# Benchmark's registration "leaks" by design): not ours, and not counted.
finding='[0-9]+:[0-9]+: (warning|error): .*\[[a-z][^]]*\]$'
grep -E "^$root/(libs|apps|tests|bench)/[^:]+:$finding" "$tmp/tidy" | sed -e "s|^$root/||" \
  -e 's/,-warnings-as-errors\]$/]/' | sort -u >"$tmp/findings" || true
if [ -s "$tmp/findings" ]; then
  cat "$tmp/findings"
  echo
  echo "lint: clang-tidy: $(wc -l <"$tmp/findings") finding(s), by check:"
  grep -oE '\[[a-z][^]]*\]$' "$tmp/findings" | sort | uniq -c | sort -rn
  status=1
elif grep -q 'Stack dump' "$tmp/tidy.err" || { [ "${tidy_rc:-0}" -ne 0 ] && ! grep -qE ":$finding" "$tmp/tidy"; }; then
  cat "$tmp/tidy" "$tmp/tidy.err"  # a crash or a bad command line: no finding explains the failure
  echo "lint: clang-tidy failed"
  status=1
fi
echo "lint: clang-tidy took $(( $(date +%s) - t0 ))s over $(wc -l <"$tmp/units") files"
exit $status
