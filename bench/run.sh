#!/usr/bin/env bash
# Load benchmark of undersigned: signing, confirming, public reads, streaming a 1,000,000-signatory
# list, and mail delivery, on SQLite and on PostgreSQL. Writes a Markdown table (bench/results.md).
# How to run it and read it: docs/PERFORMANCE.md.
#
#   bench/run.sh                      # both databases
#   BACKENDS=sqlite BIG=100000 bench/run.sh
#
# The server runs as shipped (SQLite WAL + synchronous=NORMAL, PostgreSQL defaults, request logs
# at info) except that the per-IP sign rate limit is turned off: every request comes from
# 127.0.0.1, and the limit would cap the test, not the server.
set -euo pipefail
cd "$(dirname "$0")/.."

BACKENDS=${BACKENDS:-sqlite postgres}
DURATION=${DURATION:-15}      # seconds per wrk run
CONNS=${CONNS:-32}            # concurrent connections per wrk run
THREADS=${THREADS:-2}
BIG=${BIG:-1000000}           # signatories of the big letter
OUT=${OUT:-bench/results.md}
PORT=18181
SMTP_PORT=12525
BASE=http://127.0.0.1:$PORT
ADMIN=bench-admin-token-0123456789abcdef
PASSWORD=bench-password-0123456789

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
cargo build --release --quiet --bin undersigned --example smtp_sink
BIN=$PWD/target/release/undersigned
SINK=$PWD/target/release/examples/smtp_sink
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }
errors() { awk '/Non-2xx or 3xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$BASE$1" -d "$2" >/dev/null; }
total() { curl -sf "$BASE/api/v1/letters/$1" | json 'd["signatories"]["total"]'; }

declare -A R
run_backend() {
    local b=$1 dir=$WORK/$1
    mkdir -p "$dir"
    if [ "$b" = postgres ]; then
        local db=undersigned_bench_$$
        psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
        export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
    else
        export DATABASE_URL=sqlite://$dir/undersigned.db
    fi
    export UNDERSIGNED_DATA_DIR=$dir UNDERSIGNED_BIND=127.0.0.1:$PORT UNDERSIGNED_ADMIN_TOKEN=$ADMIN \
        UNDERSIGNED_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT UNDERSIGNED_SIGN_RATE_PER_MINUTE=0 \
        UNDERSIGNED_SIGN_RATE_PER_LETTER_PER_MINUTE=0 UNDERSIGNED_UNCONFIRMED_PER_DOMAIN_PER_HOUR=0 UNDERSIGNED_MAILS_PER_DOMAIN_PER_HOUR=0
    echo "== $b: seeding $BIG signatories"
    local t0=$(date +%s%N)
    "$BIN" seed --letter big --signatures "$BIG"
    R[$b,seed]=$(awk -v ns=$(( $(date +%s%N) - t0 )) 'BEGIN {printf "%.1f", ns / 1e9}')
    "$BIN" seed --letter k1 --signatures 1000 >/dev/null
    # A coordinator of the seeded "bench" coalition, whose API token creates the letter to sign
    # and reads the outbox (the admin token is for bootstrapping only).
    printf '%s\n' "$PASSWORD" | "$BIN" user add --email bench@bench.example --name Bench \
        --coalition bench --role owner >/dev/null

    "$SINK" 127.0.0.1:$SMTP_PORT "$dir/mails.log" 2>/dev/null & PIDS+=($!)
    "$BIN" serve >"$dir/server.log" 2>&1 & local pid=$!; PIDS+=($pid)
    for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.2; done
    TOKEN=$(curl -sf "$BASE/api/v1/auth/tokens" -H 'Content-Type: application/json' \
        -d "{\"email\":\"bench@bench.example\",\"password\":\"$PASSWORD\",\"name\":\"bench\"}" | json 'd["token"]')
    # Peak private memory (RssAnon; VmHWM also counts the SQLite file's mapped pages, which are
    # the OS's file cache), sampled every 0.2 s.
    (while kill -0 "$pid" 2>/dev/null; do awk '/RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null; sleep 0.2; done \
        | sort -n | tail -n 1 >"$dir/anon-peak") & local sampler=$!
    api /api/v1/letters '{"slug":"open","coalition":"bench","title":"Open for signing","body":"Text","recipient_name":"R"}'
    api /api/v1/letters/open/transition '{"to":"open"}'

    echo "== $b: signing"
    wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s bench/sign.lua "$BASE/api/v1/letters/open/signatures" >"$dir/sign.txt"
    local sign_end=$(date +%s%3N)
    R[$b,sign]=$(rps "$dir/sign.txt"); R[$b,sign_p50]=$(pct "$dir/sign.txt" 50%); R[$b,sign_p99]=$(pct "$dir/sign.txt" 99%)
    local errs=$(errors "$dir/sign.txt")

    echo "== $b: waiting for the outbox to drain"
    local queued
    for _ in $(seq 1 600); do
        queued=$(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/outbox?state=queued&per_page=1" | json 'd["total"]')
        [ "$queued" = 0 ] && break; sleep 0.5
    done
    local mails=$(wc -l <"$dir/mails.log")
    # Mails/s over the whole run (while signing competes for the cores), and over the backlog
    # left when signing stopped (the worker alone).
    local rate='NR == 1 {first = $1} {last = $1} END {if (last > first) printf "%.0f", (NR - 1) * 1000 / (last - first); else print "n/a"}'
    R[$b,mails]=$(awk "$rate" "$dir/mails.log")
    R[$b,mails_drain]=$(awk -v t="$sign_end" '$1 >= t' "$dir/mails.log" | awk "$rate")
    R[$b,mails_backlog]=$(awk -v t="$sign_end" '$1 >= t' "$dir/mails.log" | wc -l)
    R[$b,mails_n]=$mails

    echo "== $b: confirming"
    local before=$(total open)
    TOKENS=$dir/mails.log THREADS=$THREADS wrk -t"$THREADS" -c"$CONNS" -d5s -s bench/confirm.lua "$BASE" >"$dir/confirm.txt"
    local after=$(total open)
    R[$b,confirm]=$(( (after - before) / 5 )); R[$b,confirm_n]=$((after - before))
    errs=$((errs + $(errors "$dir/confirm.txt")))

    echo "== $b: reads"
    for name in page:/letters/k1 letter:/api/v1/letters/k1 list:/api/v1/letters/k1/signatories?limit=1000; do
        local key=${name%%:*} path=${name#*:}
        wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$BASE$path" >"$dir/read-$key.txt"
        R[$b,$key]=$(rps "$dir/read-$key.txt"); errs=$((errs + $(errors "$dir/read-$key.txt")))
        local etag=$(curl -s -D - -o /dev/null "$BASE$path" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
        if [ -n "$etag" ]; then
            wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H "If-None-Match: $etag" "$BASE$path" >"$dir/read-$key-304.txt"
            R[$b,${key}_304]=$(rps "$dir/read-$key-304.txt")
        else
            R[$b,${key}_304]="(no ETag)"
        fi
    done

    echo "== $b: streaming the $BIG-signatory list"
    # Each twice: the first download after the server starts, then a repeat.
    local took='%{time_total}'
    R[$b,json_all]=$(curl -s -o "$dir/all.json" -w "$took" "$BASE/api/v1/letters/big/signatories?all=true")
    R[$b,csv_all]=$(curl -s -o "$dir/all.csv" -w "$took" "$BASE/api/v1/letters/big/signatories.csv")
    R[$b,json_again]=$(curl -s -o /dev/null -w "$took" "$BASE/api/v1/letters/big/signatories?all=true")
    R[$b,csv_again]=$(curl -s -o /dev/null -w "$took" "$BASE/api/v1/letters/big/signatories.csv")
    R[$b,json_rows]=$(json 'len(d["items"])' <"$dir/all.json")
    R[$b,csv_rows]=$(( $(wc -l <"$dir/all.csv") - 1 ))
    R[$b,rss]=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' /proc/$pid/status)
    R[$b,errors]=$errs
    kill "$pid"; wait "$pid" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    R[$b,anon]=$(awk '{printf "%.0f", $1 / 1024}' "$dir/anon-peak")
    kill "${PIDS[0]}" 2>/dev/null || true; PIDS=()
    if [ "$b" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS undersigned_bench_$$ WITH (FORCE)"; fi
}

for b in $BACKENDS; do run_backend "$b"; done

{
    echo "# Benchmark results"
    echo
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), shared by the"
    echo "server, the load generator (wrk, $THREADS threads, $CONNS connections, ${DURATION} s per run), the SMTP sink and PostgreSQL."
    echo "Sign rate limit off for the run (all requests come from one address); everything else as shipped."
    echo
    printf '| measure | target |'; for b in $BACKENDS; do printf ' %s |' "$b"; done; echo
    printf '|---|---|'; for b in $BACKENDS; do printf -- '---|'; done; echo
    row() { printf '| %s | %s |' "$1" "$2"; for b in $BACKENDS; do printf ' %s |' "${R[$b,$3]:-}"; done; echo; }
    row "seed $BIG signatories (s)" "well under 60" seed
    row "sign requests/s (distinct organisations)" "≥ 3,000 SQLite, ≥ 1,500 PostgreSQL" sign
    row "sign latency p50" "" sign_p50
    row "sign latency p99" "≤ 50 ms" sign_p99
    row "confirmations/s (state changes in 5 s)" "" confirm
    row "mails/s delivered to the SMTP sink, during and after signing" "≥ 500" mails
    row "mails/s draining the backlog once signing stopped" "≥ 500" mails_drain
    row "mails delivered (of which backlog)" "" mails_n
    row "backlog when signing stopped" "" mails_backlog
    row "letter page (HTML) reads/s" "" page
    row "letter JSON reads/s" "" letter
    row "letter JSON reads/s, If-None-Match (304)" "≥ 20,000" letter_304
    row "1,000-signatory list JSON reads/s" "" list
    row "1,000-signatory list reads/s, If-None-Match (304)" "≥ 20,000" list_304
    row "stream $BIG signatories as JSON, first download (s)" "≤ 3" json_all
    row "stream $BIG signatories as JSON, repeated (s)" "≤ 3" json_again
    row "rows in the JSON stream" "$BIG" json_rows
    row "stream $BIG signatories as CSV, first download (s)" "≤ 3" csv_all
    row "stream $BIG signatories as CSV, repeated (s)" "≤ 3" csv_again
    row "rows in the CSV stream" "$BIG" csv_rows
    row "server peak private memory, RssAnon (MB)" "< 200" anon
    row "server peak RSS incl. mapped database pages, VmHWM (MB)" "" rss
    row "errors (non-2xx/3xx and socket errors)" "0" errors
} >"$OUT"
cat "$OUT"
