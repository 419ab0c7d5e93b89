#!/usr/bin/env bash
# The run command: builds MuséoLab and starts the server on http://127.0.0.1:8080.
# Without DATABASE_URL it uses a private PostgreSQL cluster in .museolab/ (created on
# first run, stopped with the server); the first run prints an administrator token.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/ensure-postgresql.sh
./deploy/ensure-printer.sh
swift build --product museolab-server
swift build --product museolab
exec "$(swift build --show-bin-path)/museolab-server"
