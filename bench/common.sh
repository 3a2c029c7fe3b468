# Shared by bench/run and bench/differential: where the server comes from. Sourced, not run.
#
# Default: as root, install the Debian packages, make a private copy of the PostgreSQL installation
# (scripts/lib.sh use_private_install, removed on exit), build and install the extension into that
# copy and start a throwaway cluster from it: nothing another checkout installs into the system
# PostgreSQL during the run can change the library under test. With --no-install the caller's
# server (PGHOST/PGPORT/PGUSER already exported, e.g. a private dev server whose DESTDIR install
# is current) is used as it is and nothing is built or installed.

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$BENCH_ROOT/scripts/lib.sh"

# Server settings of the throwaway cluster: enough memory for the large scale's index builds,
# checkpoints out of the way of a timed run, and fsync on so that a script with the header
# durable=on (bench/run sets synchronous_commit=on for it) waits for the WAL flush like a real
# commit; every other script runs with synchronous_commit=off, so its figures measure CPU cost,
# not the disk's flush latency (see docs/performance.md).
BENCH_PG_OPTS=${BENCH_PG_OPTS:-"-c shared_buffers=1GB -c maintenance_work_mem=512MB -c work_mem=32MB \
-c max_wal_size=8GB -c checkpoint_timeout=30min -c synchronous_commit=off -c fsync=on \
-c full_page_writes=off -c max_connections=200 -c jit=off"}

# bench_server NO_INSTALL [extra Debian packages...]: makes a server available and exports
# PGHOST, PGPORT, PGUSER; stops a throwaway cluster on exit.
bench_server() {
    local no_install=$1; shift
    if [ "$no_install" = 1 ]; then
        export PATH="$PGBIN:$PATH" PGUSER=${PGUSER:-postgres}
        : "${PGHOST:?--no-install needs PGHOST (and PGPORT) of a running server}"
        echo "using the existing server PGHOST=$PGHOST PGPORT=${PGPORT:-5432} (nothing built or installed)"
        return 0
    fi
    require_root
    ensure_packages "$@"
    cd "$BENCH_ROOT"
    use_private_install "$(mktemp -d /tmp/innotrue-bench-root.XXXXXX)"
    trap stop_cluster EXIT    # removes the private installation even if the build fails
    build_and_install
    CLUSTER_OPTS="$BENCH_PG_OPTS" start_cluster
}
