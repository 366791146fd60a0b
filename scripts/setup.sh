#!/usr/bin/env bash
# Installs every Debian package kefu needs to build, run and test.
# Idempotent: installs only what is missing. Run as root (or with sudo available).
set -euo pipefail

BUILD_PKGS=(build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev libspdlog-dev libfmt-dev libcli11-dev libsodium-dev
  libtomlplusplus-dev libgtest-dev zlib1g-dev libexpat1-dev libssl-dev libgoogle-perftools-dev)
# postfix: the email tests start a private instance of their own (tests/api/mailserver.py);
# preseeded below so that the package configures no system-wide mail server. openssl: the
# TLS tests make a self-signed certificate for it (openssl req).
TEST_PKGS=(postgresql postgresql-contrib curl wrk python3 nodejs npm chromium fonts-noto-cjk postfix openssl)

want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${TEST_PKGS[@]}"); fi
if [ "${1:-}" = "--run" ]; then want+=(nodejs npm); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node may come from outside Debian (a node binary already on PATH): do not fight it.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  filtered=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  if [[ " ${missing[*]} " == *" postfix "* ]]; then
    echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "[setup] all packages present"
fi
