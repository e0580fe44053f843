#!/usr/bin/env bash
# The web interface in a real browser: headless Chromium (Debian's chromium and
# chromium-driver) driven by Selenium, with the axe-core accessibility check (WCAG 2.1 A and
# AA) on every page. Runs the built `accord` (`swift build` first; ACCORD_BINARY to choose
# another). Screenshots go to .build/browser-shots (BROWSER_SHOTS to choose another folder).
#
#   sudo apt-get install chromium chromium-driver     # once
#   Scripts/browser-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in chromium chromedriver; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "browser-test: $tool is missing; install Debian's chromium and chromium-driver." >&2
    exit 1
  fi
done
venv=.build/browser-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q 'selenium>=4.20,<5' 'axe-selenium-python==2.1.6'
# Only the axe-core script file of this package is used (axe-core 4.x, with the WCAG 2.1
# rules that axe-selenium-python's axe-core 3.1 lacks); Playwright itself is not installed.
"$venv/bin/pip" install -q --no-deps 'axe-playwright-python==0.1.8'
export BROWSER_SHOTS="${BROWSER_SHOTS:-$PWD/.build/browser-shots}"
"$venv/bin/python" Tests/Browser/consultation_room.py
