#!/usr/bin/env bash
# Usage: scripts/debian-packages.sh [print|cluster]
# Debian packages the project needs, installed when missing.
#
# print (the default; `make install` and `.ci/run`): the print material (issue 21).
# - WeasyPrint (flyers/) draws text with Pango and HarfBuzz: without them the site runs
#   and offers no PDF (the admin's "Print material" screen says why).
# - The tests read the PDFs back: pdfinfo and pdftotext (poppler-utils) and zbarimg
#   (zbar-tools) to decode the QR codes; without them those tests are skipped, loudly.
#
# cluster (`make cluster`, `make test-cluster`, `make bench-cluster`; issue 22): Redis,
# nginx with the cache-purge module (the caching proxy Wagtail purges) and wrk. Their
# packaged services are never started (policy-rc.d): scripts/cluster.py starts its own,
# on 127.0.0.1 only, and stops them.
#
# As root with apt-get (CI, a fresh container), the missing ones are installed; otherwise
# the command to run is printed. A missing print package fails nothing (the site runs
# without PDFs); a missing cluster package makes this script fail.
set -uo pipefail

GROUP=${1:-print}
case "$GROUP" in
    print)
        PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
                  poppler-utils zbar-tools)
        WHAT="print material: PDF and QR codes"
        MISSING_RC=0 ;;
    cluster)
        PACKAGES=(redis-server nginx-light libnginx-mod-http-cache-purge wrk)
        WHAT="the local cluster: Redis, nginx, wrk"
        MISSING_RC=1 ;;
    *)
        echo "usage: $0 [print|cluster]" >&2
        exit 2 ;;
esac

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "== Installing ${missing[*]} ($WHAT) =="
    export DEBIAN_FRONTEND=noninteractive
    # Debian starts a package's service when it is installed (nginx on port 80 of every
    # interface): policy-rc.d 101 says "not now" for the length of the install.
    made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
        made_policy=1
    fi
    ok=0
    if apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
        ok=1
    fi
    [[ $made_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
    [[ $ok -eq 1 ]] && exit 0
    echo "!! Could not install ${missing[*]} ($WHAT)." >&2
    exit "$MISSING_RC"
fi
echo "!! Missing Debian packages ($WHAT): ${missing[*]}" >&2
echo "!! Install them with: sudo apt-get install ${missing[*]}" >&2
exit "$MISSING_RC"
