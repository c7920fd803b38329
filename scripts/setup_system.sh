#!/usr/bin/env bash
# System packages: headless Chromium and a Japanese font (the report's browser test),
# Debian's Python 3.11 with venv (the project's interpreter, see scripts/setup.sh), and
# poppler-utils with poppler-data (pdftotext / pdfinfo read PDF documents, see
# ingest/reading/pdf_reader.py; poppler-data holds the Adobe-Japan1 maps without which the text of
# Japanese PDFs whose fonts carry no ToUnicode map, such as the 小平市 scan's OCR layer, is lost).
# Idempotent: does nothing when all of them are present.
set -euo pipefail
have_font() {  # fc-list (package fontconfig) may be absent: then look for the font file itself
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || compgen -G "/usr/share/fonts/*/noto*/NotoSansCJK*" >/dev/null
}
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
have_font || missing+=(fonts-noto-cjk)
/usr/bin/python3.11 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3.11 python3.11-venv)
{ command -v pdftotext && command -v pdfinfo; } >/dev/null 2>&1 || missing+=(poppler-utils)
[ -d /usr/share/poppler/cMap/Adobe-Japan1 ] || missing+=(poppler-data)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup_system: missing ${missing[*]}; run as root: sudo bash $0" >&2
  exit 1
fi
echo "setup_system: installing ${missing[*]} with apt-get (a minute or two, first run only)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
