#!/usr/bin/env bash
# System packages the test suite drives for real, installed from Debian unless present:
# Chromium (Playwright cannot download browsers here), a CJK font (or Chinese renders as boxes in
# screenshots and charts) and PostgreSQL's server programs (the store's PostgreSQL tests start a
# throwaway cluster). Used by `make test`, hence by .ci/run.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei fontconfig)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
