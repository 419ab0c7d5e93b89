#!/usr/bin/env bash
# Checks the README's run command end to end, as on a fresh clone: it must serve
# /health, print an administrator token once, list the annex machines with it, let the
# administrator sign in on the web pages with the link it writes to standard error,
# and stop cleanly (taking its embedded PostgreSQL down) on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
out=$(mktemp) err=$(mktemp)
PORT=$port ./deploy/run.sh >"$out" 2>"$err" &
server=$!
jar=$(mktemp) page=$(mktemp)
trap 'kill -TERM $server 2>/dev/null || true; rm -f "$out" "$err" "$jar" "$page"' EXIT

for _ in $(seq 1 900); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 $server 2>/dev/null || { echo "run command exited:"; tail -n 30 "$err"; exit 1; }
    sleep 1
done
curl -fsS "http://127.0.0.1:$port/health"; echo
# It can print the PDF of the documents it issues (WeasyPrint and factur-x, installed by the run command).
if grep -q 'no PDF printer' "$out" "$err" || ! grep -q 'PDF printer' "$out" "$err"; then
    echo "the server cannot print invoices:"; grep 'PDF printer' "$out" "$err" || true; exit 1
fi
echo "PDF printer: $(grep -ho 'weasyprint [0-9.]*, factur-x [0-9.]*' "$out" "$err" | head -n 1)"

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

# The web pages, as the README's tour walks them: the sign-in link is written to standard
# error (no e-mail relay in the embedded run).
base="http://127.0.0.1:$port"
curl -fsS -c "$jar" -b "$jar" "$base/connexion" -o "$page"
csrf=$(grep -o 'name="csrf" value="mlcsrf_[A-Za-z0-9_-]*"' "$page" | head -n 1 | sed 's/.*value="\(.*\)"/\1/')
curl -fsS -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode "email=admin@museolab.local" "$base/connexion" -o "$page"
grep -q 'Vérifiez votre messagerie' "$page"
link=""
for _ in $(seq 1 50); do
    link=$(grep -o "$base/connexion/lien?jeton=mllink_[A-Za-z0-9_-]\{43\}" "$err" | tail -n 1 || true)
    [ -n "$link" ] && break
    sleep 0.2
done
[ -n "$link" ] || { echo "no sign-in link on standard error"; exit 1; }
status=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$csrf" \
    --data-urlencode "jeton=${link#*jeton=}" "$base/connexion/lien")
[ "$status" = "303" ]
curl -fsS -b "$jar" "$base/machines" -o "$page"
grep -q '<h1>Machines</h1>' "$page"
echo "web pages: signed in with the link from standard error, machines listed"

# Then books a machine, as the README says: a staff member on duty first.
"$(swift build --show-bin-path)/museolab" calendar set-staff admin@museolab.local \
    mon=09:00-18:00 tue=09:00-18:00 wed=09:00-18:00 thu=09:00-18:00 fri=09:00-18:00 >/dev/null
machine=$(curl -fsS -H "Authorization: Bearer $token" "$base/v1/machines" | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
print(next(m["id"] for m in items if m["bookable"] and not m["requiresAuthorisation"] and m["status"] == "in_service"))')
slot=""
for week in 0 7 14; do
    day=$(date -d "+$week days" +%F)
    curl -fsS -b "$jar" "$base/reserver?machine=$machine&duree=60&semaine=$day" -o "$page"
    slot=$(grep -o 'name="creneau" id="[^"]*" value="[^"]*"' "$page" | head -n 1 | sed 's/.*value="\(.*\)"/\1/' || true)
    [ -n "$slot" ] && break
done
[ -n "$slot" ] || { echo "no free slot in three weeks"; exit 1; }
location=$(curl -sS -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "csrf=$csrf" --data-urlencode "machine=$machine" \
    --data-urlencode "duree=60" --data-urlencode "creneau=$slot" --data-urlencode "objet=Essai du parcours du README" \
    --data-urlencode "participants=1" "$base/reserver")
case "$location" in */reservations/S-*) ;; *) echo "booking refused: $location"; exit 1 ;; esac
curl -fsS -b "$jar" "$base/mes-reservations" -o "$page"
grep -q 'Essai du parcours du README' "$page"
reference=${location##*/reservations/}; echo "web pages: booked a machine (${reference%%\?*}), listed in my bookings"

kill -TERM $server
wait $server
echo "run command: stopped cleanly"
grep -q '"embedded PostgreSQL stopped"' "$err" || ! grep -q '"embedded PostgreSQL started"' "$err"
trap - EXIT
rm -f "$out" "$err" "$jar" "$page"
