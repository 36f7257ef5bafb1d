#!/usr/bin/env bash
# The campaign paths at scale (issue 7), on SQLite and on PostgreSQL: importing a long list with
# `undersigned import` (and importing it again, which must add nothing), a campaign's JSON over a
# letter of BIG signatories, delivering that letter (the request, then the mail rendered and
# written), and its printable copy. Prints a Markdown table. How to read it: docs/PERFORMANCE.md.
#
#   bench/campaign.sh                        # both databases, BIG=100000, LINES=20000
#   BACKENDS=sqlite BIG=10000 bench/campaign.sh
#
# The server runs as shipped (SQLite WAL + synchronous=NORMAL, PostgreSQL defaults). Mail goes to
# files (no SMTP URL), so the mail's time is rendering and writing it, not a network.
set -euo pipefail
cd "$(dirname "$0")/.."

BACKENDS=${BACKENDS:-sqlite postgres}
BIG=${BIG:-100000}
LINES=${LINES:-20000}
PORT=18182
BASE=http://127.0.0.1:$PORT
PASSWORD=bench-password-0123456789

command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
cargo build --release --quiet --bin undersigned
BIN=$PWD/target/release/undersigned
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# A list as coalitions write them: one organisation a line, the country in several forms.
python3 - "$WORK/list.txt" "$LINES" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
forms = ["Name (France)", "Name (the Netherlands)", "Name (DE)", "Name – Kenya", "Name (UK)",
         "Name (brazil)", "Name (Côte d'Ivoire)", "Name (USA)", "Name (Deutschland)", "Name (PRT)"]
with open(path, "w") as f:
    for i in range(n):
        f.write(forms[i % len(forms)].replace("Name", f"Imported Organisation {i}") + "\n")
PY

now() { date +%s%N; }
secs() { awk -v ns=$(( $(now) - $1 )) 'BEGIN {printf "%.2f", ns / 1e9}'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
api() { curl -sf -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$BASE$2" -d "$3"; }

declare -A R
for b in $BACKENDS; do
    dir=$WORK/$b
    mkdir -p "$dir"
    if [ "$b" = postgres ]; then
        db=undersigned_campaign_bench_$$
        psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
        export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
    else
        export DATABASE_URL=sqlite://$dir/undersigned.db
    fi
    export UNDERSIGNED_DATA_DIR=$dir UNDERSIGNED_BIND=127.0.0.1:$PORT UNDERSIGNED_ADMIN_TOKEN=bench-admin-token-0123456789abcdef
    unset UNDERSIGNED_SMTP_URL
    echo "== $b: seeding $BIG signatories"
    "$BIN" seed --letter big --signatures "$BIG" >/dev/null
    "$BIN" seed --letter imported --signatures 1 >/dev/null
    printf '%s\n' "$PASSWORD" | "$BIN" user add --email bench@bench.example --name Bench \
        --coalition bench --role owner >/dev/null

    echo "== $b: importing $LINES lines, twice"
    t=$(now); "$BIN" import "$WORK/list.txt" --letter imported >"$dir/import1.txt"; R[$b,import]=$(secs "$t")
    t=$(now); "$BIN" import "$WORK/list.txt" --letter imported >"$dir/import2.txt"; R[$b,reimport]=$(secs "$t")
    echo "   first:  $(sed -n 3p "$dir/import1.txt")"
    echo "   second: $(sed -n 3p "$dir/import2.txt")"

    "$BIN" serve >"$dir/server.log" 2>&1 & pid=$!; PIDS+=($pid)
    for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.2; done
    TOKEN=$(curl -sf "$BASE/api/v1/auth/tokens" -H 'Content-Type: application/json' \
        -d "{\"email\":\"bench@bench.example\",\"password\":\"$PASSWORD\",\"name\":\"bench\"}" | json 'd["token"]')
    R[$b,imported_total]=$(curl -sf "$BASE/api/v1/letters/imported" | json 'd["signatories"]["total"]')
    api POST /api/v1/campaigns '{"coalition":"bench","slug":"camp","title":"Campaign","goal":{"organisations":200000}}' >/dev/null
    api PATCH /api/v1/letters/big '{"campaign":"camp","recipient_email":"ceo@recipient.example"}' >/dev/null
    api PATCH /api/v1/letters/imported '{"campaign":"camp"}' >/dev/null

    echo "== $b: the campaign's JSON (two letters, $BIG + $LINES signatories)"
    curl -sf "$BASE/api/v1/campaigns/camp" >/dev/null
    R[$b,campaign]=$(for _ in 1 2 3 4 5; do curl -sf -o /dev/null -w '%{time_total}\n' "$BASE/api/v1/campaigns/camp"; done | sort -n | sed -n 3p)
    R[$b,progress]=$(curl -sf "$BASE/api/v1/campaigns/camp" | json 'd["progress"]["organisations"]')

    echo "== $b: delivering the $BIG-signatory letter"
    api POST /api/v1/letters/big/transition '{"to":"closed"}' >/dev/null
    t=$(now)
    api POST /api/v1/letters/big/deliver '{}' >/dev/null
    R[$b,deliver]=$(secs "$t")
    for _ in $(seq 1 600); do ls "$dir"/mail/*.eml >/dev/null 2>&1 && break; sleep 0.1; done
    R[$b,mail]=$(secs "$t")
    R[$b,mail_kb]=$(du -k "$dir"/mail/*.eml | awk '{s += $1} END {print s}')

    echo "== $b: the printable copy"
    R[$b,print]=$(curl -sf -o "$dir/print.html" -w '%{time_total}' "$BASE/letters/big/print")
    R[$b,print_kb]=$(( $(stat -c %s "$dir/print.html") / 1024 ))
    R[$b,rss]=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if [ "$b" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db"; fi
done

echo
echo "| measure | $(for b in $BACKENDS; do printf '%s | ' "$b"; done)"
echo "|---|$(for b in $BACKENDS; do printf -- '---|'; done)"
row() { printf '| %s |' "$1"; for b in $BACKENDS; do printf ' %s |' "${R[$b,$2]}"; done; echo; }
row "import of $LINES lines (s)" import
row "the same list again (s)" reimport
row "signatures on the letter after both" imported_total
row "campaign JSON, median of 5 (s)" campaign
row "campaign progress (organisations)" progress
row "deliver request (s)" deliver
row "delivery mail written, from the request (s)" mail
row "delivery mail size (KB)" mail_kb
row "printable copy of $BIG (s)" print
row "printable copy size (KB)" print_kb
row "server peak RSS (MB)" rss
