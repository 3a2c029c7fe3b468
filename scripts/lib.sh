# Shared by scripts/demo and scripts/test: Debian packages and a throwaway PostgreSQL cluster.
# Sourced, not run. Needs root (apt-get, and runuser to start the server as the postgres user).

PG_MAJOR=${PG_MAJOR:-15}
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
PACKAGES="make gcc patch postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-$PG_MAJOR-pgtap
          libtap-parser-sourcehandler-pgtap-perl libipc-run-perl python3"

# A section heading with the seconds since the script started, so a long run shows its progress.
say() { printf '\n\033[1m== %s\033[0m (%d s)\n' "$*" "$SECONDS"; }

require_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "$0: run as root (it installs Debian packages and starts PostgreSQL as the postgres user)" >&2
        exit 1
    fi
}

# apt_get ARGS...: apt-get that waits for another package manager instead of failing. A freshly
# booted Debian machine often runs apt (apt-daily, unattended-upgrades, a provisioning step) for
# its first minutes, and apt-get refuses at once while that holds the lock.
apt_get() {
    local waited=0
    while pgrep -x 'apt|apt-get|dpkg|unattended-upgr' >/dev/null 2>&1 && [ "$waited" -lt 600 ]; do
        [ "$waited" -eq 0 ] && echo "waiting for another package manager to finish" >&2
        sleep 5; waited=$((waited + 5))
    done
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
}

# Installs whatever of $PACKAGES (and any extra names given) is missing.
ensure_packages() {
    local missing=() p
    for p in $PACKAGES "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        apt_get update -qq
        apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    # Debian's postgresql-common starts a default cluster; we never use it.
    export PATH="$PGBIN:$PATH"
}

# Makes a private copy of the installed PostgreSQL under directory $1 and points PGBIN at it, so
# that build_and_install writes there and nothing another checkout installs into the system
# PostgreSQL changes what this run tests or measures. PostgreSQL finds its lib and share
# directories relative to its binaries, so the copy is a complete installation; the headers are
# linked, not copied.
use_private_install() {
    PG_ROOT=$1
    local d
    chmod 755 "$PG_ROOT"    # the server runs as the postgres user
    mkdir -p "$PG_ROOT/usr/lib/postgresql" "$PG_ROOT/usr/share/postgresql" "$PG_ROOT/usr/include/postgresql"
    cp -a "/usr/lib/postgresql/$PG_MAJOR" "$PG_ROOT/usr/lib/postgresql/"
    cp -a "/usr/share/postgresql/$PG_MAJOR" "$PG_ROOT/usr/share/postgresql/"
    for d in /usr/include/postgresql/*; do ln -sfn "$d" "$PG_ROOT/usr/include/postgresql/"; done
    PGBIN=$PG_ROOT/usr/lib/postgresql/$PG_MAJOR/bin
    export PATH="$PGBIN:$PATH"
}

# Builds and installs the extension into the PostgreSQL that $PGBIN belongs to.
build_and_install() {
    say "building and installing innotrue"
    make -s PG_CONFIG="$PGBIN/pg_config" >/dev/null
    make -s PG_CONFIG="$PGBIN/pg_config" install >/dev/null
}

# Starts a cluster in a fresh temporary directory, owned by the postgres user, reachable only
# through a unix socket in that directory (so it cannot clash with another server), on a port
# nothing else listens on. Exports PGHOST, PGPORT, PGUSER for every client after it.
start_cluster() {
    CLUSTER_DIR=$(mktemp -d /tmp/innotrue-pg.XXXXXX)
    chown postgres: "$CLUSTER_DIR"
    local port
    for port in $(shuf -i 20000-39999 -n 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
    done
    trap stop_cluster EXIT
    runuser -u postgres -- "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -A trust -U postgres -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 \
        || { cat "$CLUSTER_DIR/initdb.log"; return 1; }
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w \
        -o "-p $port -k $CLUSTER_DIR -c listen_addresses='' ${CLUSTER_OPTS:-}" start >/dev/null \
        || { cat "$CLUSTER_DIR/server.log"; return 1; }
    export PGHOST=$CLUSTER_DIR PGPORT=$port PGUSER=postgres
    echo "throwaway cluster on port $port in $CLUSTER_DIR"
}

stop_cluster() {
    if [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR/data" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$CLUSTER_DIR"
    fi
    CLUSTER_DIR=
    if [ -n "${PG_ROOT:-}" ]; then rm -rf "$PG_ROOT"; PG_ROOT=; fi
}
