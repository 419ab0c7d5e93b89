#!/usr/bin/env bash
# Makes sure the PostgreSQL server programs (initdb, pg_ctl) are installed: the
# service runs its own private cluster when no DATABASE_URL is given, and the tests
# always start a throwaway one. Installs Debian's postgresql package when missing.
set -euo pipefail

have_server() {
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && return 0
    done
    [ -n "${MUSEOLAB_PG_BINDIR:-}" ] && [ -x "$MUSEOLAB_PG_BINDIR/initdb" ] && return 0
    command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] && return 0
    return 1
}

if have_server; then
    exit 0
fi

echo "PostgreSQL server programs not found: installing Debian's postgresql package." >&2
if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
else
    echo "error: install PostgreSQL (apt-get install -y postgresql) or set MUSEOLAB_PG_BINDIR" >&2
    exit 1
fi
have_server || { echo "error: PostgreSQL was installed but initdb is still missing" >&2; exit 1; }
