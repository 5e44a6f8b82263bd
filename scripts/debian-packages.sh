#!/usr/bin/env bash
# Debian packages the print material needs (issue 21), installed when missing.
#
# - WeasyPrint (flyers/) draws text with Pango and HarfBuzz: without them the site runs
#   and offers no PDF (the admin's "Print material" screen says why).
# - The tests read the PDFs back: pdfinfo and pdftotext (poppler-utils) and zbarimg
#   (zbar-tools) to decode the QR codes; without them those tests are skipped, loudly.
#
# As root with apt-get (CI, a fresh container), the missing ones are installed; otherwise
# the command to run is printed and nothing fails. `make install` and `.ci/run` call it.
set -uo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
          poppler-utils zbar-tools)

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "== Installing ${missing[*]} (print material: PDF and QR codes) =="
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
        exit 0
    fi
    echo "!! Could not install ${missing[*]}: the site runs without the PDF flyers." >&2
    exit 0
fi
echo "!! Missing Debian packages for the PDF flyers: ${missing[*]}" >&2
echo "!! Install them with: sudo apt-get install ${missing[*]}" >&2
echo "!! The site runs without them; the flyers' links are not shown." >&2
exit 0
