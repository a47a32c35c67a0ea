#!/usr/bin/env bash
# Installs what the web tests need, idempotently and quietly:
#   Debian chromium + chromium-driver (headless browser tests), fonts, pngquant,
#   a Python venv at ${WEB_VENV:-/tmp/chatvault-web-venv} with selenium and schemathesis.
# Needs root (or sudo) for the apt part only when something is missing.
set -euo pipefail

venv="${WEB_VENV:-/tmp/chatvault-web-venv}"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# The browser needs some fonts to render text in screenshots.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
# Shrinks the screenshots browser_test.py writes into docs/screenshots.
command -v pngquant >/dev/null 2>&1 || need+=(pngquant)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import selenium, schemathesis' >/dev/null 2>&1; then
  "$venv/bin/pip" install -q --disable-pip-version-check 'selenium>=4.10,<5' 'schemathesis>=3.30'
fi

echo "web setup ok: $(chromium --version 2>/dev/null | head -1); $(chromedriver --version 2>/dev/null | head -1); venv $venv"
