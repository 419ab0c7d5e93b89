# Sourced by backup.sh and restore.sh: which database, and which pg_dump/pg_restore.
#
# The database is DATABASE_OWNER_URL, or else DATABASE_URL (postgres://user:password@host:5432/db?sslmode=…,
# or postgres://user@/db?host=/socket/folder): backups and restores are the schema owner's work
# (the service's role may not read every sequence, nor create anything). Without either, the
# embedded cluster of the run command (.museolab/, or MUSEOLAB_DATA_DIR), which must be running.

project_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

database_url() {
    if [ -n "${DATABASE_OWNER_URL:-}" ]; then
        printf '%s\n' "$DATABASE_OWNER_URL"
        return
    fi
    if [ -n "${DATABASE_URL:-}" ]; then
        printf '%s\n' "$DATABASE_URL"
        return
    fi
    local data="${MUSEOLAB_DATA_DIR:-$project_root/.museolab}"
    if [ ! -S "$data/socket/.s.PGSQL.5432" ]; then
        echo "no DATABASE_URL, and the embedded cluster in $data is not running: start the service (deploy/run.sh) or set DATABASE_URL" >&2
        return 1
    fi
    printf 'postgres://museolab@/museolab?host=%s\n' "$data/socket"
}

# The newest installed client programs (they read dumps of older servers too).
postgres_tool() {
    local name="$1" found=""
    if [ -n "${MUSEOLAB_PG_BINDIR:-}" ] && [ -x "$MUSEOLAB_PG_BINDIR/$name" ]; then
        found="$MUSEOLAB_PG_BINDIR/$name"
    else
        found=$(ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1 || true)
        [ -n "$found" ] || found=$(command -v "$name" || true)
    fi
    if [ -z "$found" ]; then
        echo "$name not found: install PostgreSQL's client programs (apt-get install postgresql-client)" >&2
        return 1
    fi
    printf '%s\n' "$found"
}
