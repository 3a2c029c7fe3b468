#!/usr/bin/env bash
# Development helper: a private copy of the PostgreSQL installation plus a running cluster, so that
# several people can `make install` different builds on one machine without overwriting each other.
# PostgreSQL finds its share and lib directories relative to its binaries, so a copy under a
# prefix is a complete, separate installation.
# Usage: scripts/dev-private-pg.sh NAME PORT   then, in the repo:
#   make install DESTDIR=/opt/pg-NAME  &&  psql -h /opt/pg-NAME/sock -p PORT -U postgres
set -euo pipefail
name=${1:?name} port=${2:?port}
root=/opt/pg-$name
# (Re)copy when missing or when the system PostgreSQL was upgraded since (an extension built
# against the new headers may not load into the old server: "undefined symbol").
if ! cmp -s /usr/lib/postgresql/15/bin/postgres "$root/usr/lib/postgresql/15/bin/postgres"; then
    if [ -f "$root/data/postmaster.pid" ]; then
        runuser -u postgres -- "$root/usr/lib/postgresql/15/bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$root/usr/lib/postgresql/15" "$root/usr/share/postgresql/15"
    mkdir -p "$root/usr/lib/postgresql" "$root/usr/share/postgresql"
    cp -a /usr/lib/postgresql/15 "$root/usr/lib/postgresql/"
    cp -a /usr/share/postgresql/15 "$root/usr/share/postgresql/"
fi
mkdir -p "$root/sock" "$root/log"; chown postgres: "$root/sock" "$root/log"
bin=$root/usr/lib/postgresql/15/bin
if [ ! -d "$root/data" ]; then
    install -d -o postgres "$root/data"
    runuser -u postgres -- "$bin/initdb" -D "$root/data" -A trust -U postgres --no-sync >/dev/null
fi
runuser -u postgres -- "$bin/pg_ctl" -D "$root/data" -l "$root/log/server.log" -w \
    -o "-p $port -k $root/sock -c listen_addresses='' -c fsync=off" start >/dev/null
echo "private PostgreSQL '$name': PGHOST=$root/sock PGPORT=$port PGUSER=postgres; make install DESTDIR=$root"
