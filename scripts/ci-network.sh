#!/usr/bin/env bash
# CI: the Debian packages the networking tests need (packages/overlay/test/kernel-vxlan.test.ts: network
# namespaces, a kernel VXLAN device made with pyroute2, ping, tshark/dumpcap). Installs only what is
# missing, and only when running as root with apt-get; otherwise it says what is missing and exits 0, and
# those tests skip with a visible message.
set -euo pipefail

PACKAGES=(python3-pyroute2 iproute2 iputils-ping tshark)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then missing+=("$p"); fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "ci-network: ${PACKAGES[*]} already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ci-network: not root, cannot install ${missing[*]} (the kernel VXLAN test will skip)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-network: no apt-get, cannot install ${missing[*]} (the kernel VXLAN test will skip)"
  exit 0
fi

echo "ci-network: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# wireshark-common asks whether non-root users may capture; answer no without a prompt.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections 2>/dev/null || true
if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  echo "ci-network: installed ${missing[*]}"
else
  echo "ci-network: apt-get failed for ${missing[*]} (the kernel VXLAN test will skip)"
fi
