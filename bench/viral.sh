#!/usr/bin/env bash
# The reads a viral day is made of (issue 19), each as a share of the server's own floor in the
# same run: `/.well-known/undersigned-ledger-key`, a tiny answer from memory through the same
# routing and middleware. For a letter of 1,000 signatories and one of BIG (100,000), on SQLite and
# on PostgreSQL. Prints a Markdown table. How to read it: docs/PERFORMANCE.md.
#
#   bench/viral.sh                       # both databases
#   BACKENDS=sqlite BIG=10000 bench/viral.sh
#
# Then the mixed run (bench/viral_mixed.py): READERS connections reading the page, the JSON and
# the first signatory page of the 1,000-signatory letter while sign requests arrive at SIGN_RATE a
# second, with p50/p99 per route, errors, how long a confirmed signature takes to show, and the
# server's peak private memory.
#
# The server runs as shipped (SQLite WAL + synchronous=NORMAL, PostgreSQL defaults, request logs
# at info, the response cache at its default 64 MiB); no rate limit is on the reads measured, and
# the sign rate limits are off (every request comes from 127.0.0.1: they would cap the test).
set -euo pipefail
cd "$(dirname "$0")/.."

BACKENDS=${BACKENDS:-sqlite postgres}
DURATION=${DURATION:-5}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
BIG=${BIG:-100000}
MIXED_DURATION=${MIXED_DURATION:-20}
READERS=${READERS:-1000}
SIGN_RATE=${SIGN_RATE:-200}
PORT=18182
SMTP_PORT=12526
BASE=http://127.0.0.1:$PORT
ADMIN=bench-admin-token-0123456789abcdef

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet --bin undersigned --example smtp_sink
BIN=$PWD/target/release/undersigned
SINK=$PWD/target/release/examples/smtp_sink
WORK=$(mktemp -d)
PID=
SINK_PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true' EXIT
# A thousand reader connections, and as many on the server's side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

rps() { awk '/Requests\/sec/ {printf "%.0f", $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
errors() { awk '/Non-2xx or 3xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$1"; }

ROUTES=(
    "the floor|/.well-known/undersigned-ledger-key"
    "page|/letters/@"
    "letter JSON|/api/v1/letters/@"
    "first signatory page|/api/v1/letters/@/signatories"
    "CSV (1,000 rows)|/api/v1/letters/@/signatories.csv"
    "badge SVG|/letters/@/badge.svg"
)

for b in $BACKENDS; do
    dir=$WORK/$b; mkdir -p "$dir"
    if [ "$b" = postgres ]; then
        db=undersigned_viral_$$
        psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
        export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
    else
        export DATABASE_URL=sqlite://$dir/undersigned.db
    fi
    export UNDERSIGNED_DATA_DIR=$dir UNDERSIGNED_BIND=127.0.0.1:$PORT UNDERSIGNED_ADMIN_TOKEN=$ADMIN \
        UNDERSIGNED_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT UNDERSIGNED_SIGN_RATE_PER_MINUTE=0 \
        UNDERSIGNED_SIGN_RATE_PER_LETTER_PER_MINUTE=0 UNDERSIGNED_UNCONFIRMED_PER_DOMAIN_PER_HOUR=0 \
        UNDERSIGNED_MAILS_PER_DOMAIN_PER_HOUR=0
    # A coalition's list spans a few dozen countries.
    "$BIN" seed --letter k1 --signatures 1000 --countries 40 >/dev/null
    "$BIN" seed --letter big --signatures "$BIG" --countries 40 >/dev/null
    "$SINK" 127.0.0.1:$SMTP_PORT "$dir/mails.log" 2>/dev/null & SINK_PID=$!
    "$BIN" serve >"$dir/server.log" 2>&1 & PID=$!
    for _ in $(seq 1 900); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.2; done
    echo
    echo "### $b (wrk ${THREADS} threads × ${CONNS} connections × ${DURATION} s; req/s, share of the floor, p99)"
    echo
    echo "| route | 1,000 signatories | $BIG signatories |"
    echo "|---|---|---|"
    floor=
    for route in "${ROUTES[@]}"; do
        name=${route%%|*}; path=${route#*|}
        row="| $name |"
        for letter in k1 big; do
            if [ "$name" = "the floor" ] && [ "$letter" = big ]; then row="$row (same) |"; continue; fi
            if [[ "$name" == CSV* ]] && [ "$letter" = big ]; then row="$row streamed, not cached |"; continue; fi
            out=$dir/$letter-${name// /_}.txt
            wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$BASE${path//@/$letter}" >"$out"
            r=$(rps "$out"); e=$(errors "$out")
            [ -z "$floor" ] && floor=$r
            share=$(awk -v r="$r" -v f="$floor" 'BEGIN {printf "%.2f", r / f}')
            note=""; [ "$e" = 0 ] || note=", $e errors"
            row="$row $r ($share; p99 $(p99 "$out")$note) |"
        done
        echo "$row"
    done
    echo
    echo "Server private memory at the end of the run (RssAnon): $(awk '/RssAnon/ {printf "%.0f MB", $2 / 1024}' /proc/$PID/status)"
    echo
    echo "#### $b, mixed: $READERS readers while signing at $SIGN_RATE/s for $MIXED_DURATION s (response cache capped at 64 MiB)"
    echo
    BASE=$BASE LETTER=k1 MAILS=$dir/mails.log SERVER_PID=$PID DURATION=$MIXED_DURATION READERS=$READERS \
        SIGN_RATE=$SIGN_RATE READ_DELAY_MS=${READ_DELAY_MS:-100} WORK=$dir python3 bench/viral_mixed.py
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
    kill "$SINK_PID" 2>/dev/null || true; SINK_PID=
    if [ "$b" = postgres ]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"; fi
done
