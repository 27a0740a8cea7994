#!/usr/bin/env bash
# tools/relay-durability.sh: the long durability run of the relay (DESIGN.md §7.5). Senders send
# while the real securecomm-relay is killed with SIGKILL at random moments and restarted; then
# every acknowledged message must be delivered and nothing unsent may appear. `make test` runs
# the same test with 4 kills; this runs KILLS (default 40) with SENDERS (default 8).
#
#   tools/relay-durability.sh [build_dir]        KILLS=100 SENDERS=16 tools/relay-durability.sh
set -euo pipefail
BUILD=${1:-build/release}
BIN="$BUILD/tests/relay_integration_test"
if [ ! -x "$BIN" ]; then
  echo "relay-durability: $BIN not built (make build)" >&2
  exit 2
fi
export SC_DURABILITY_KILLS=${KILLS:-40}
export SC_DURABILITY_SENDERS=${SENDERS:-8}
echo "relay-durability: $SC_DURABILITY_KILLS kills, $SC_DURABILITY_SENDERS senders"
exec "$BIN" --gtest_filter='RelayDurabilityTest.*' --gtest_also_run_disabled_tests
