#!/usr/bin/env bash
# Fuzz the API with schemathesis against the small demo, the way a client would meet it.
#
#   scripts/fuzz-api.sh    # ~2 min 45 s on 2 cores: demo ~35 s, then the three runs in parallel
#
# Builds the small demo on a throwaway SQLite in a temporary LINDUNG_VAR_DIR, makes API tokens
# for a province officer (`provinsi`) and a regency officer (`bandarlampung`), serves the demo on
# 127.0.0.1 (throttles set very high so fuzzing meets no 429), and runs schemathesis against
# /api/v1/schema/ three times: province token, regency token, no credentials. Checks: no server
# error, every response as the schema documents it (body and status code). Exits non-zero on
# any failure; the server and the temporary directory are removed on exit, whatever happened.
# The schema's error answers and the strict query parameters of every view come from
# REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS and DEFAULT_FILTER_BACKENDS (lindung.core.schema /
# lindung.core.api).
#
# Environment: FUZZ_MAX_EXAMPLES (per operation and phase, default 12), FUZZ_SEED (default
# 20240517; "random" for a new one each run), FUZZ_PORT (default: a free port), FUZZ_WORKERS
# (schemathesis workers per run, default 1), FUZZ_KEEP=1 keeps the temporary directory (the
# server log, each run's output and JUnit report).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-12}
SEED=${FUZZ_SEED:-20240517}
WORKERS=${FUZZ_WORKERS:-1}
PORT=${FUZZ_PORT:-$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
BASE="http://127.0.0.1:$PORT"
started=$SECONDS

WORK=$(mktemp -d -t lindung-fuzz.XXXXXX)
server_pid=""
worker_pid=""
fuzz_pids=()
cleanup() {
  local rc=$?
  for pid in "${fuzz_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null || true
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ] && [ -s "$WORK/server.log" ]; then
    echo "=== server log: tracebacks (last 60 lines) ==="
    grep -v ' django.server: ' "$WORK/server.log" | tail -n 60 || true
  fi
  if [ "${FUZZ_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  echo "=== fuzz-api: $((SECONDS - started)) s, exit $rc ==="
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A throwaway SQLite database; never the developer's DATABASE_URL.
unset DATABASE_URL
export LINDUNG_VAR_DIR="$WORK" LINDUNG_DEMO=1 LINDUNG_LOG_LEVEL=WARNING
export LINDUNG_API_RATE_ANON=1000000/minute LINDUNG_API_RATE_USER=1000000/minute

echo "=== demo (small) in $WORK ==="
"$BIN/lindung" migrate --no-input -v 0
"$BIN/lindung" demo --scale small --format json >"$WORK/demo.json"

tokens=$("$BIN/lindung" shell --no-imports -v 0 -c '
from rest_framework.authtoken.models import Token
from lindung.accounts.models import User
for name in ("provinsi", "bandarlampung"):
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=name))
    print("TOKEN", name, token.key)
')
# Real identifiers for the path parameters (half of the generated values), so detail
# operations are fuzzed on records that exist, in and out of the regency officer's scope.
"$BIN/lindung" shell --no-imports -v 0 -c '
import json
from lindung.accounts.models import Organisation
from lindung.award.models import Edition
from lindung.compliance.models import BusinessEntry, Case, Finding, RiskScore
from lindung.contributions.models import Bill
from lindung.programmes.models import Programme
from lindung.regions.models import MinimumWage, Region, WorkerPopulation
from lindung.registry.models import Employer, Membership, Person

def sample(model, key="pk", regional=True):
    rows = model.objects.order_by(key)
    picked = list(rows.values_list(key, flat=True)[:4])
    if regional:
        picked += list(rows.filter(regency_code="18.71").values_list(key, flat=True)[:4])
    else:
        picked += list(rows.reverse().values_list(key, flat=True)[:4])
    return sorted(set(picked)) or [1]

regions = ["18", "18.71", "18.72", "18.01", "18.71.01"]
regions += list(Region.objects.filter(code__startswith="18.71.").values_list("code", flat=True)[:3])
regions = sorted(set(regions))
operations = {
    "/api/v1/award/editions/{id}/results/": {"id": sample(Edition, regional=False)},
    "/api/v1/bills/{id}/": {"id": sample(Bill)},
    "/api/v1/coverage/{code}/": {"code": regions},
    "/api/v1/coverage/{code}/trend/": {"code": regions},
    "/api/v1/coverage/public/{code}/": {"code": regions},
    "/api/v1/coverage/public/{code}/trend/": {"code": regions},
    "/api/v1/employers/{npp}/": {"npp": sample(Employer, "npp")},
    "/api/v1/memberships/{id}/": {"id": sample(Membership)},
    "/api/v1/minimum-wages/{id}/": {"id": sample(MinimumWage, regional=False)},
    "/api/v1/organisations/{id}/": {"id": sample(Organisation)},
    "/api/v1/persons/{id}/": {"id": sample(Person)},
    "/api/v1/persons/{id}/reveal/": {"id": sample(Person)},
    "/api/v1/programmes/{id}/": {"id": sample(Programme)},
    "/api/v1/programmes/{id}/runs/{version}/": {"id": sample(Programme), "version": [1, 2]},
    "/api/v1/regions/{code}/": {"code": regions},
    "/api/v1/regions/{code}/boundaries/": {"code": regions},
    "/api/v1/worker-populations/{id}/": {"id": sample(WorkerPopulation)},
    "/api/v1/compliance/businesses/{id}/": {"id": sample(BusinessEntry)},
    "/api/v1/compliance/cases/{id}/": {"id": sample(Case)},
    "/api/v1/compliance/cases/{id}/move/": {"id": sample(Case)},
    "/api/v1/compliance/findings/{id}/": {"id": sample(Finding)},
    "/api/v1/compliance/risks/{id}/": {"id": sample(RiskScore)},
}
lines = []
for n, (path, params) in enumerate(operations.items()):
    for name, values in params.items():
        lines += [f"[dictionaries.d{n}_{name}]", f"values = {json.dumps(values)}", ""]
for n, (path, params) in enumerate(operations.items()):
    bound = ", ".join(
        f"\"path.{name}\" = {{ dictionary = \"d{n}_{name}\", probability = 0.5 }}"
        for name in params
    )
    lines += ["[[operations]]", f"include-path = {json.dumps(path)}", f"parameters = {{ {bound} }}", ""]
print("\n".join(lines))
' >"$WORK/schemathesis.toml"
# schemathesis' cache (for `st replay`) stays in the temporary directory, not in the checkout.
printf '[cache]\ndirectory = "%s"\n' "$WORK/schemathesis-cache" >>"$WORK/schemathesis.toml"

province_token=$(awk '$1 == "TOKEN" && $2 == "provinsi" { print $3 }' <<<"$tokens")
regency_token=$(awk '$1 == "TOKEN" && $2 == "bandarlampung" { print $3 }' <<<"$tokens")
[ -n "$province_token" ] && [ -n "$regency_token" ] || { echo "no API tokens made" >&2; exit 1; }

echo "=== server on $BASE (and a worker: /healthz needs one) ==="
"$BIN/lindung" worker >"$WORK/worker.log" 2>&1 &
worker_pid=$!
# The production server: gunicorn's sync workers run one request each, as in production
# (drf-spectacular's schema generation is not thread-safe, so a threaded server would race).
"$BIN/lindung" serve --host 127.0.0.1 --port "$PORT" --workers 3 --timeout 120 \
  >"$WORK/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$BASE/healthz" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "server died" >&2; cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
curl -fsS -o /dev/null "$BASE/healthz" || { echo "server not ready" >&2; exit 1; }

seed_args=(--seed "$SEED")
[ "$SEED" = random ] && seed_args=()

# The three runs go in parallel, each its own process with one worker: the server answers
# while the others generate, and CPython 3.11 can fail parsing in schemathesis' worker threads
# ("AST constructor recursion depth mismatch").
fuzz() {  # label, then extra schemathesis arguments; output in $WORK/<label>.txt
  local label=$1; shift
  local t0=$SECONDS rc=0
  "$BIN/schemathesis" --config-file "$WORK/schemathesis.toml" run "$BASE/api/v1/schema/" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance \
    --max-examples "$MAX_EXAMPLES" "${seed_args[@]}" \
    --workers "$WORKERS" --request-timeout 20 --no-color \
    --suppress-health-check all \
    --report junit --report-junit-path "$WORK/junit-$label.xml" \
    "$@" >"$WORK/$label.txt" 2>&1 || rc=$?
  echo "=== schemathesis: $label took $((SECONDS - t0)) s, exit $rc ===" >>"$WORK/$label.txt"
  return $rc
}

fuzz province -H "Authorization: Token $province_token" &
province=$!
fuzz regency -H "Authorization: Token $regency_token" &
regency=$!
fuzz anonymous --warnings off &  # it warns that everything but the public operations is 401
anonymous=$!
fuzz_pids=("$province" "$regency" "$anonymous")

status=0
for label in province regency anonymous; do
  wait "${!label}" || status=1
  echo "=== schemathesis: $label ==="
  cat "$WORK/$label.txt"
done

# Server errors the checks could not see (e.g. in a response schemathesis did not parse).
if grep -q 'Internal Server Error' "$WORK/server.log"; then
  echo "=== server errors in the log ==="
  grep -A 40 'Internal Server Error' "$WORK/server.log" | head -n 200
  status=1
fi
exit $status
