#!/usr/bin/env bash
# Installs the optional node_pcap baseline (`pcap` on npm) into benchmarks/.optional/, outside the workspace:
# its native build needs Debian's libpcap-dev and a C++ toolchain, so a plain `pnpm install` never depends on it.
# run.mjs picks it up from there (or from anywhere `require('pcap')` resolves). Usage: bash benchmarks/optional-baselines.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if ! [ -e /usr/include/pcap.h ] && ! [ -e /usr/include/pcap/pcap.h ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get install -y libpcap-dev || { apt-get update && apt-get install -y libpcap-dev; }
  else
    echo "libpcap-dev is missing: install it (apt-get install libpcap-dev) and run this again" >&2
    exit 1
  fi
fi
mkdir -p "$here/.optional"
cd "$here/.optional"
[ -f package.json ] || printf '{ "name": "wirestack-bench-optional", "private": true }\n' > package.json
# pcap 3.1.0 is the release these numbers were taken with; its install script runs node-gyp.
npm install --no-audit --no-fund --foreground-scripts pcap@3.1.0
node -e "require('pcap'); console.log('node_pcap', require('pcap/package.json').version, 'ready')"
