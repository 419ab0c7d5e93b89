#!/usr/bin/env bash
# Restores a backup made by deploy/backup.sh into an EMPTY database, in one transaction:
# either everything is restored, or nothing is. Refuses a database that already holds
# MuséoLab tables (restore into a new database, then point DATABASE_URL at it).
#
#   deploy/restore.sh FILE
#
# Database: DATABASE_OWNER_URL, DATABASE_URL, or the running embedded cluster (see deploy/postgres-tools.sh).
set -euo pipefail
source "$(dirname "$0")/postgres-tools.sh"

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: deploy/restore.sh FILE (a backup made by deploy/backup.sh)" >&2
    exit 2
fi
file="$1"
url=$(database_url)
psql=$(postgres_tool psql)
pg_restore=$(postgres_tool pg_restore)

tables=$("$psql" --no-psqlrc --quiet --tuples-only --no-align --dbname="$url" \
    --command="SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
    echo "the target database already has $tables tables: restore into an empty database" >&2
    exit 1
fi
# Data is loaded before the triggers are created (pg_restore's order), so the audit and
# immutability triggers see nothing of the load, and guard everything after it. The objects
# belong to the restoring role (the schema's owner); the grants to museolab_app come back
# with them, so that role must exist in the target cluster (README, Deploying).
"$pg_restore" --exit-on-error --single-transaction --no-owner --dbname="$url" "$file"
echo "restored $file"
