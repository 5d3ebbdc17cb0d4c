#!/usr/bin/env bash
# Install what the browser tests need: Debian's chromium (apt, when root) and axe-core (npm, from package-lock).
# Missing tools are reported, not fatal: the browser tests then skip, except under CI=true where they fail.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
      || echo "could not install chromium with apt-get"
  else
    echo "chromium is not installed (/usr/bin/chromium); run: sudo apt-get install chromium"
  fi
fi
if [ ! -f "$here/node_modules/axe-core/axe.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$here" && npm ci --no-audit --no-fund --silent) || echo "could not install axe-core with npm"
  else
    echo "npm is not installed; the accessibility checks need axe-core from tests/browser/package.json"
  fi
fi
exit 0
