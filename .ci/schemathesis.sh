#!/usr/bin/env bash
# Schemathesis against the running service's OpenAPI document: fails on any 5xx
# (not_a_server_error) and on any response that breaks its documented schema
# (response_schema_conformance). Before it, on the same service: openapi-spec-validator on the
# document, and frictionless on a letter's data package and the CSV it describes.
# Usage: .ci/schemathesis.sh [path/to/undersigned] [max seconds]
# Needs `schemathesis` (v4) on PATH or in $SCHEMATHESIS, `openapi-spec-validator` (or
# $OPENAPI_SPEC_VALIDATOR) and `frictionless` (v5, or $FRICTIONLESS); see docs/TESTING.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/undersigned}
max_time=${2:-120}
st=${SCHEMATHESIS:-schemathesis}

data=$(mktemp -d)
log="$data/server.log"
# A fresh SQLite service with a known admin token, mail written to files, no rate limits (a 429 is
# no finding, and it would hide the operations behind it).
export UNDERSIGNED_DATA_DIR="$data"
export UNDERSIGNED_BIND=127.0.0.1:0
export UNDERSIGNED_ADMIN_TOKEN="ci-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export UNDERSIGNED_SIGN_RATE_PER_MINUTE=0
export UNDERSIGNED_SIGN_IN_RATE_PER_MINUTE=0
export UNDERSIGNED_UPDATES_PER_LETTER_PER_DAY=0
export UNDERSIGNED_LOG=warn,undersigned=info

# Bootstrap: an owner account and its coalition, then (through the API) a token and an open letter.
password="schemathesis-password-$$"
echo "$password" | "$bin" user add --email owner@ci.example --name "CI Owner" \
    --coalition ci --coalition-name "CI coalition" >/dev/null

"$bin" >"$log" 2>&1 &
server=$!
stop() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data"; }
trap stop EXIT
base=
for _ in $(seq 1 100); do
    base=$(grep -o 'listening on http://[0-9.:]*' "$log" | head -n 1 | sed 's/listening on //') || true
    [ -n "$base" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
done
[ -n "$base" ] || { echo "the service did not start"; cat "$log"; exit 1; }
echo "service at $base"

# The document itself, by the validator client generators rely on.
validator=${OPENAPI_SPEC_VALIDATOR:-openapi-spec-validator}
curl -sf "$base/api/v1/openapi.json" -o "$data/openapi.json"
"$validator" "$data/openapi.json"

json=(-H 'Content-Type: application/json')
token=$(curl -sf "${json[@]}" "$base/api/v1/auth/tokens" \
    -d "{\"email\":\"owner@ci.example\",\"password\":\"$password\",\"name\":\"schemathesis\"}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
auth=(-H "Authorization: Bearer $token")
curl -sf "${json[@]}" "${auth[@]}" "$base/api/v1/letters" -d '{"coalition":"ci","slug":"ci-letter",
    "title":"A letter to test with","body":"Dear **someone**,\n\nplease.","recipient_name":"Someone"}' >/dev/null
curl -sf "${json[@]}" "${auth[@]}" "$base/api/v1/letters/ci-letter/transition" -d '{"to":"open"}' >/dev/null
curl -sf "${json[@]}" "$base/api/v1/letters/ci-letter/signatures" -d '{"organisation_name":"Acme Rights",
    "country":"FR","representative_name":"Ana","representative_role":"Director",
    "email":"ana@acme.example","consent":true}' >/dev/null

# The data dictionary (issue 23): frictionless validates the data package the service serves for
# the letter, and the CSV it points to (types, the verification values, the primary key). The
# coalition imports three signatories first (published at once, no mail), with the cells a CSV
# reader trips on: Namibia's code NA, a name a spreadsheet would run, a website.
curl -sf "${json[@]}" "${auth[@]}" "$base/api/v1/imports" -d '{"format":"csv","letter":"ci-letter",
    "content":"name,country,website\n=Formula Watch,FR,\nNamibia Media Trust,NA,https://nmt.example.org/\nAccess Now,US,https://www.accessnow.org/\n"}' >/dev/null
fl=${FRICTIONLESS:-frictionless}
package="$base/api/v1/letters/ci-letter/datapackage.json"
"$fl" validate "$package"
"$fl" validate --json "$package" > "$data/frictionless.json" || true
python3 - "$data/frictionless.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
rows = [task["stats"].get("rows") for task in report["tasks"]]
print(f"frictionless: valid={report['valid']}, rows per resource: {rows}")
# The three imported organisations, every one checked: an empty list would prove nothing.
sys.exit(0 if report["valid"] and rows == [3] else 1)
PY
# Real clients with their defaults: requests through the Link headers, pandas on the CSV
# (.ci/clients.py; installed beside frictionless, or $CLIENTS_PYTHON).
"${CLIENTS_PYTHON:-$(dirname "$(command -v "$fl")")/python}" "$(dirname "$0")/clients.py" "$base" ci-letter

# Operations left out, and why:
# - revoking a token and changing the password: a generated request may lock the test account
#   out, and every later operation would then only see 401.
status=0
"$st" run "$base/api/v1/openapi.json" \
    --checks not_a_server_error,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --exclude-path-regex '/me/tokens/.*/revoke$|/me/password$' \
    --max-examples 20 --max-time "$max_time" --workers 2 --seed 1 \
    --suppress-health-check all --no-shrink --warnings off ${SCHEMATHESIS_ARGS:-} || status=$?
if [ "$status" -ne 0 ]; then
    echo "schemathesis found failures (exit $status); the service log ends with:"
    tail -n 40 "$log"
fi
exit "$status"
