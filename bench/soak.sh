#!/usr/bin/env bash
# A long mixed run: does memory stay flat, and does an overloaded server shed load instead of
# queueing? For each backend, the server (as shipped, with the signing limits off because every
# request comes from 127.0.0.1, for one letter, from one mail domain) takes signing, letter reads, list pages and CSV downloads
# at once for DURATION seconds, then a burst of OVERLOAD connections, more than `max_in_flight`
# lets in. Private memory (RssAnon) is sampled every 5 s. How to read it: docs/PERFORMANCE.md.
#
#   bench/soak.sh                          # both databases, 300 s each
#   BACKENDS=sqlite DURATION=60 bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BACKENDS=${BACKENDS:-sqlite postgres}
DURATION=${DURATION:-300}
CONNS=${CONNS:-16}            # connections per traffic kind
OVERLOAD=${OVERLOAD:-1500}    # connections of the overload burst
MAX_IN_FLIGHT=${MAX_IN_FLIGHT:-512}
PORT=18183
BASE=http://127.0.0.1:$PORT
PASSWORD=bench-password-0123456789

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
ulimit -n 65536 2>/dev/null || true
cargo build --release --quiet --bin undersigned
BIN=$PWD/target/release/undersigned
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$BASE$1" -d "$2" >/dev/null; }
rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
non2xx() { awk '/Non-2xx or 3xx/ {n += $NF} END {print n + 0}' "$1"; }
# Requests wrk gave up on after its 2 s timeout (not answered in time; not counted as non-2xx).
timeouts() { awk '/Socket errors/ {n += $NF} END {print n + 0}' "$1"; }

declare -A R
for b in $BACKENDS; do
    dir=$WORK/$b
    mkdir -p "$dir"
    if [ "$b" = postgres ]; then
        db=undersigned_soak_$$
        psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
        export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
    else
        export DATABASE_URL=sqlite://$dir/undersigned.db
    fi
    export UNDERSIGNED_DATA_DIR=$dir UNDERSIGNED_BIND=127.0.0.1:$PORT UNDERSIGNED_ADMIN_TOKEN=bench-admin-token-0123456789abcdef \
        UNDERSIGNED_SIGN_RATE_PER_MINUTE=0 UNDERSIGNED_SIGN_RATE_PER_LETTER_PER_MINUTE=0 \
        UNDERSIGNED_UNCONFIRMED_PER_DOMAIN_PER_HOUR=0 UNDERSIGNED_MAILS_PER_DOMAIN_PER_HOUR=0 UNDERSIGNED_MAX_IN_FLIGHT=$MAX_IN_FLIGHT
    unset UNDERSIGNED_SMTP_URL
    "$BIN" seed --letter big --signatures 20000 >/dev/null
    printf '%s\n' "$PASSWORD" | "$BIN" user add --email bench@bench.example --name Bench \
        --coalition bench --role owner >/dev/null
    "$BIN" serve >"$dir/server.log" 2>&1 & pid=$!; PIDS+=($pid)
    for _ in $(seq 1 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.2; done
    TOKEN=$(curl -sf "$BASE/api/v1/auth/tokens" -H 'Content-Type: application/json' \
        -d "{\"email\":\"bench@bench.example\",\"password\":\"$PASSWORD\",\"name\":\"bench\"}" | json 'd["token"]')
    api /api/v1/letters '{"slug":"open","coalition":"bench","title":"Open for signing","body":"Text","recipient_name":"R"}'
    api /api/v1/letters/open/transition '{"to":"open"}'

    echo "== $b: mixed traffic for ${DURATION}s"
    (while kill -0 "$pid" 2>/dev/null; do awk '/RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null; sleep 5; done >"$dir/rss") & sampler=$!
    wrk -t1 -c"$CONNS" -d"${DURATION}s" -s bench/sign.lua "$BASE/api/v1/letters/open/signatures" >"$dir/sign.txt" &
    w1=$!
    wrk -t1 -c"$CONNS" -d"${DURATION}s" "$BASE/api/v1/letters/big" >"$dir/letter.txt" &
    w2=$!
    wrk -t1 -c"$CONNS" -d"${DURATION}s" "$BASE/api/v1/letters/big/signatories?limit=100" >"$dir/page.txt" &
    w3=$!
    wrk -t1 -c2 -d"${DURATION}s" "$BASE/api/v1/letters/big/signatories.csv" >"$dir/csv.txt" &
    w4=$!
    wait $w1 $w2 $w3 $w4
    echo "== $b: overload burst of $OVERLOAD connections"
    wrk -t2 -c"$OVERLOAD" -d20s -s bench/sign.lua "$BASE/api/v1/letters/open/signatures" >"$dir/overload.txt" 2>&1 || true
    sleep 6
    kill "$sampler" 2>/dev/null || true
    n=$(wc -l <"$dir/rss")
    first=$(head -n 12 "$dir/rss" | tail -n 6 | awk '{s += $1} END {printf "%.0f", s / NR / 1024}')
    last=$(tail -n 12 "$dir/rss" | head -n 6 | awk '{s += $1} END {printf "%.0f", s / NR / 1024}')
    R[$b,samples]=$n
    R[$b,first]=$first
    R[$b,last]=$last
    R[$b,peak]=$(sort -n "$dir/rss" | tail -n 1 | awk '{printf "%.0f", $1 / 1024}')
    # One sample a minute (MB), to see whether growth stops.
    R[$b,minutes]=$(awk 'NR % 12 == 1 {printf "%s%.0f", sep, $1 / 1024; sep = " "}' "$dir/rss")
    R[$b,after]=$(tail -n 1 "$dir/rss" | awk '{printf "%.0f", $1 / 1024}')
    R[$b,sign]=$(rps "$dir/sign.txt")
    R[$b,reads]=$(( $(rps "$dir/letter.txt") + $(rps "$dir/page.txt") ))
    R[$b,csv]=$(rps "$dir/csv.txt")
    R[$b,errors]=$(( $(non2xx "$dir/sign.txt") + $(non2xx "$dir/letter.txt") + $(non2xx "$dir/page.txt") + $(non2xx "$dir/csv.txt") ))
    R[$b,timeouts]=$(( $(timeouts "$dir/sign.txt") + $(timeouts "$dir/letter.txt") + $(timeouts "$dir/page.txt") + $(timeouts "$dir/csv.txt") ))
    R[$b,over_timeouts]=$(timeouts "$dir/overload.txt")
    R[$b,over_rps]=$(rps "$dir/overload.txt")
    R[$b,over_shed]=$(non2xx "$dir/overload.txt")
    R[$b,over_p99]=$(awk '/Latency/ && !done {print $2; done = 1}' "$dir/overload.txt")
    R[$b,health]=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/health")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    if [ "$b" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db"; fi
done

echo
echo "| measure | $(for b in $BACKENDS; do printf '%s | ' "$b"; done)"
echo "|---|$(for b in $BACKENDS; do printf -- '---|'; done)"
row() { printf '| %s |' "$1"; for b in $BACKENDS; do printf ' %s |' "${R[$b,$2]}"; done; echo; }
row "memory samples (every 5 s)" samples
row "RssAnon, minute 1 after warm-up (MB)" first
row "RssAnon, last minute of the mixed run (MB)" last
row "RssAnon peak, overload included (MB)" peak
row "RssAnon after the overload (MB)" after
row "signs/s during the mixed run" sign
row "letter + list-page reads/s" reads
row "CSV downloads/s (20,000 rows)" csv
row "non-2xx answers in the mixed run" errors
row "requests not answered within 2 s in the mixed run" timeouts
row "overload: answers/s" over_rps
row "overload: shed (non-2xx)" over_shed
row "overload: not answered within 2 s" over_timeouts
row "overload: mean latency" over_p99
row "/health after the overload" health
echo
for b in $BACKENDS; do echo "$b RssAnon each minute (MB): ${R[$b,minutes]}"; done
