#!/usr/bin/env bash
# LibreOffice for the tests that read workbooks it writes (crates/store, spreadsheet import):
# installs Debian's LibreOffice Calc without its graphical interface if `soffice` is missing.
set -euo pipefail
if command -v soffice >/dev/null; then
  exit 0
fi
echo "Installation de LibreOffice Calc (paquet Debian libreoffice-calc-nogui)" >&2
sudo_si_besoin=""
[ "$(id -u)" -ne 0 ] && sudo_si_besoin="sudo"
$sudo_si_besoin apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo_si_besoin apt-get install -y -qq --no-install-recommends \
  libreoffice-calc-nogui >&2
