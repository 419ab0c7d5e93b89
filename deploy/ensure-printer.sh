#!/usr/bin/env bash
# Makes sure the Factur-X printer can print: Debian's Pango and a font for WeasyPrint, and the
# pinned PyPI packages of deploy/requirements.txt (WeasyPrint, factur-x) for the Python the
# server uses (MUSEOLAB_PYTHON, python3 by default). The server says at start when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${MUSEOLAB_PYTHON:-python3}"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
        echo "error: cannot install $* (not root, no sudo)" >&2; return 1; fi
}

if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! [ -d /usr/share/fonts/truetype/dejavu ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
fi
if ! "$python" Sources/MuseoLabRuntime/Printing/facturx-print.py --check >/dev/null 2>&1; then
    "$python" -m pip install --quiet --disable-pip-version-check -r deploy/requirements.txt
fi
"$python" Sources/MuseoLabRuntime/Printing/facturx-print.py --check
