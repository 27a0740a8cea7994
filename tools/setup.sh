#!/usr/bin/env bash
# tools/setup.sh: installs every Debian 12 package SecureComm needs to build, test and run.
# Idempotent and non-interactive; uses sudo when not root; silent when everything is present.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config make git
  clang-14 libclang-rt-14-dev            # the `fuzz` preset: libFuzzer + sanitizer runtimes
  clang-format-14 clang-tidy-14          # `make lint` (tools/lint.sh): .clang-format, .clang-tidy
  # libraries (DESIGN.md §8)
  libssl-dev libsodium-dev libexpected-dev libfmt-dev libspdlog-dev libasio-dev libsqlite3-dev
  libprotobuf-dev protobuf-compiler    # the client-relay protocol (docs/protocol/relay.md)
  libtomlplusplus-dev libcli11-dev libmicrohttpd-dev   # relay config, flags, health and metrics
  libqrencode-dev libpng-dev            # libs/qr: safety-number QR codes (terminal and PNG)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev
  mosquitto                             # bench/: the MQTT anchor of the relay benchmarks
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  SUDO="sudo"
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Refresh the index only if a first attempt cannot find a package.
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/securecomm-setup.log 2>&1; then
  $SUDO apt-get update -q >>/tmp/securecomm-setup.log 2>&1
  if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/securecomm-setup.log 2>&1; then
    echo "setup: apt-get failed; see /tmp/securecomm-setup.log" >&2
    tail -n 20 /tmp/securecomm-setup.log >&2
    exit 1
  fi
fi
echo "setup: done"
