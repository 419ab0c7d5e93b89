#!/usr/bin/env bash
# Checks the README's run command end to end, as on a fresh clone: it must serve
# /health, print an administrator token once, list the annex machines with it,
# and stop cleanly (taking its embedded PostgreSQL down) on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
out=$(mktemp) err=$(mktemp)
PORT=$port ./deploy/run.sh >"$out" 2>"$err" &
server=$!
trap 'kill -TERM $server 2>/dev/null || true; rm -f "$out" "$err"' EXIT

for _ in $(seq 1 900); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 $server 2>/dev/null || { echo "run command exited:"; tail -n 30 "$err"; exit 1; }
    sleep 1
done
curl -fsS "http://127.0.0.1:$port/health"; echo

token=$(grep -o 'mlab_[A-Za-z0-9_-]\{43\}' "$out" | head -n 1 || true)
if [ -z "$token" ]; then
    # Not a fresh data folder: the token was printed on an earlier run.
    token=$("$(swift build --show-bin-path)/museolab" tokens create --user admin@museolab.local --label smoke-test --expires-in-days 1 | grep -o 'mlab_[A-Za-z0-9_-]\{43\}')
fi
count=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/machines" \
    | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))')
echo "machines listed: $count"
[ "$count" -ge 27 ]
# The shipped (example) tariff grid prices 2026.
effective=$(curl -fsS -H "Authorization: Bearer $token" "http://127.0.0.1:$port/v1/tariffs?at=2026-06-01" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["effectiveFrom"])')
echo "tariff grid in force on 2026-06-01: from $effective"
[ "$effective" = "2026-01-01" ]

kill -TERM $server
wait $server
echo "run command: stopped cleanly"
grep -q '"embedded PostgreSQL stopped"' "$err" || ! grep -q '"embedded PostgreSQL started"' "$err"
trap - EXIT
rm -f "$out" "$err"
