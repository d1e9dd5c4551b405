#!/usr/bin/env bash
# Installs poppler's command-line tools (Debian's poppler-utils: pdftotext, pdfinfo, pdftoppm)
# when pdftotext is missing, for the tests that read the reports' PDF back. Prints nothing
# when they are there already.
set -euo pipefail
if command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null; then
  exit 0
fi
sudo_si_besoin=""
if [[ $(id -u) -ne 0 ]]; then sudo_si_besoin="sudo"; fi
echo "Installation de poppler-utils (paquet Debian)"
$sudo_si_besoin apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo_si_besoin apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null
