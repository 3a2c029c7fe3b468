#!/usr/bin/env bash
# Development helper: loads src/schema/*.sql (all but 99_finalize.sql, which needs CREATE EXTENSION)
# into a fresh database on the dev cluster, in one transaction, stopping at the first error.
# Usage: scripts/dev-load.sh DBNAME        (dev cluster: PGHOST=/tmp/pgdev PGPORT=5499)
set -euo pipefail
db=${1:?database name}
cd "$(dirname "$0")/.."
export PGHOST=${PGHOST:-/tmp/pgdev} PGPORT=${PGPORT:-5499} PGUSER=${PGUSER:-postgres}
dropdb --if-exists "$db" >/dev/null
createdb "$db"
{
  echo 'SET search_path = innotrue, pg_catalog;'
  for f in $(ls src/schema/*.sql | sort); do
    [ "$(basename "$f")" = 99_finalize.sql ] && continue
    echo "\\echo == $f"
    grep -v '^\\echo Use' "$f"
  done
} | psql -X -q -o /dev/null -v ON_ERROR_STOP=1 --single-transaction -d "$db"
echo "loaded into $db"
