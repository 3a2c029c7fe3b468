#!/usr/bin/env bash
# Benchmark of assessment scoring: the C compute_assessment_scores() against the plain-SQL
# reference (bench/reference/scoring.sql) on a 60-question, 6-dimension definition, in one run.
# Usage: bench/scoring.sh [seconds per script, default 10]   (PGHOST/PGPORT/PGUSER as usual)
# Creates and drops the database innotrue_bench_scoring. Target: native >= 3x the reference.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
db=innotrue_bench_scoring
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION innotrue' \
     -f bench/scripts/scoring_setup.sql >/dev/null
# Same answers, same result: a quick equality check before timing.
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -At -c "
    SELECT count(*) FILTER (WHERE innotrue.compute_assessment_scores('bench-scoring', answers, NULL, false)
                                  IS DISTINCT FROM innotrue_ref.compute_assessment_scores('bench-scoring', answers, NULL, false))
      FROM public.bench_scoring_answers" | grep -qx 0 || { echo "native and reference disagree"; exit 1; }
tps() { pgbench -n -M prepared -T "$secs" -f "bench/scripts/$1.sql" "$db" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'; }
native=$(tps scoring_native); reference=$(tps scoring_reference)
native_store=$(tps scoring_native_store); reference_store=$(tps scoring_reference_store)
printf '%-28s %10s tps\n' "native (no store)" "$native" "reference (no store)" "$reference" \
       "native (store)" "$native_store" "reference (store)" "$reference_store"
awk -v a="$native" -v b="$reference" -v c="$native_store" -v d="$reference_store" \
    'BEGIN { printf "speed-up: %.1fx scoring, %.1fx scoring and storing (target >= 3x)\n", a / b, c / d }'
