#!/usr/bin/env bash
# Puts Debian's Chromium at /usr/bin/chromium for the browser tests (packages/playground/test/*.test.ts),
# which drive it with playwright-core: browsers cannot be downloaded here, so they come from apt. When it
# cannot be installed (not root, no apt-get, no network), this says so loudly and exits 0: the browser
# tests then skip with a warning of their own instead of failing.
set -uo pipefail
CHROMIUM="${WIRESTACK_CHROMIUM:-/usr/bin/chromium}"

banner() {
  printf '\n!!! %s\n!!! the browser tests (packages/playground/test) will be SKIPPED\n\n' "$*" >&2
}

if [ -x "$CHROMIUM" ]; then
  echo "browser tests: $("$CHROMIUM" --version 2>/dev/null || echo 'chromium') at $CHROMIUM"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  banner "$CHROMIUM is missing and this is not root, so it cannot be installed (run: sudo apt-get install -y chromium)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  banner "$CHROMIUM is missing and there is no apt-get to install it with"
  exit 0
fi

echo "browser tests: installing Debian's chromium (apt-get install -y chromium)"
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
if { apt-get update -q && apt-get install -y -q chromium; } >"$log" 2>&1 && [ -x "$CHROMIUM" ]; then
  echo "browser tests: $("$CHROMIUM" --version 2>/dev/null || echo 'chromium') installed at $CHROMIUM"
  rm -f "$log"
  exit 0
fi
tail -n 20 "$log" >&2
rm -f "$log"
banner "apt-get install chromium failed (last lines above)"
exit 0
