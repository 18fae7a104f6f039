#!/usr/bin/env bash
# Installs the Debian packages that the real-editor tests need:
#   chromium     - the browser playwright-core drives (/usr/bin/chromium)
#   libkrb5-dev  - headers for code-server's native `kerberos` module
#   ripgrep      - /usr/bin/rg, repackaged so @vscode/ripgrep installs offline
#   fonts-*      - so headless screenshots show text (and CJK/emoji glyphs)
#   ca-certificates, xz-utils - for npm and tar
# Idempotent: apt is not touched when every package is already installed.
set -euo pipefail

PACKAGES=(
  chromium
  libkrb5-dev
  ripgrep
  fonts-dejavu-core
  fonts-liberation
  fonts-noto-color-emoji
  ca-certificates
  xz-utils
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  # dpkg-query prints "install ok installed" only for fully installed packages.
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-system: all packages present (${PACKAGES[*]})"
  exit 0
fi

echo "install-system: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-system: done"
