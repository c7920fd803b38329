#!/usr/bin/env bash
# System packages the report's browser test needs: headless Chromium and a Japanese font.
# Idempotent: does nothing when /usr/bin/chromium and a Noto Sans CJK font are both present.
set -euo pipefail
have_font() {  # fc-list (package fontconfig) may be absent: then look for the font file itself
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || compgen -G "/usr/share/fonts/*/noto*/NotoSansCJK*" >/dev/null
}
if [ -x /usr/bin/chromium ] && have_font; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup_system: chromium or fonts-noto-cjk missing; run as root: sudo bash $0" >&2
  exit 1
fi
echo "setup_system: installing chromium and fonts-noto-cjk with apt-get (a minute or two, first run only)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
