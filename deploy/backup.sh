#!/usr/bin/env bash
# Backs up the MuséoLab database: one pg_dump archive (custom format, compressed) holding
# the schema, every row (audit log, ledgers, invoices and their footprints included) and
# the sequences. Consistent: pg_dump reads one snapshot while the service keeps running.
#
#   deploy/backup.sh [FILE]      default: backups/museolab-<UTC date and time>.dump
#
# Database: DATABASE_OWNER_URL, DATABASE_URL, or the running embedded cluster (see deploy/postgres-tools.sh).
set -euo pipefail
source "$(dirname "$0")/postgres-tools.sh"

url=$(database_url)
pg_dump=$(postgres_tool pg_dump)
file="${1:-$project_root/backups/museolab-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$file")"
# Written beside, then moved: a half-written backup never has the final name.
"$pg_dump" --format=custom --compress=6 --no-owner --file="$file.partial" "$url"
mv "$file.partial" "$file"
echo "backup written: $file ($(du -h "$file" | cut -f1))"
