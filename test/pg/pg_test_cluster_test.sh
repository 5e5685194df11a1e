#!/usr/bin/env bash
# Test of scripts/pg-test-cluster: a cluster starts, serves a database over its socket only,
# survives a killed postmaster, and stop cleans up, also after a failed start; stop never
# removes a directory the script did not make. Exit 77 (skipped) when no server can be had.
#   test/pg/pg_test_cluster_test.sh scripts/pg-test-cluster
set -uo pipefail
cluster="$1"
root="$(mktemp -d /tmp/runner-pgt.XXXXXX)"
chmod 0755 "$root"  # as root, the server's user must reach the cluster directories inside
dirs=()
# shellcheck disable=SC2317  # run by the trap
cleanup() {
    local d
    for d in "${dirs[@]}"; do
        "$cluster" stop "$d" >/dev/null 2>&1 || true
    done
    rm -rf "$root"
}
trap cleanup EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# Starts a cluster in $1 and exports its settings; exits 77 when there can be none.
start() {
    dirs+=("$1")
    local out rc
    out="$("$cluster" start "$1")"
    rc=$?
    if [[ $rc -eq 77 ]]; then
        echo "skipped: no PostgreSQL server can be installed"
        exit 77
    fi
    [[ $rc -eq 0 ]] || { echo "FAIL: start $1 exited $rc"; exit 1; }
    eval "$out"
    export PGHOST PGPORT PGUSER PGDATABASE
}

postmaster_pid() { head -n 1 "$1/data/postmaster.pid"; }

# 1. start, a database, a query through the socket, no TCP, start again.
a="$root/a"
start "$a"
[[ "$PGHOST" == "$a" ]] || fail "PGHOST is '$PGHOST', not the cluster directory $a"
[[ -S "$a/.s.PGSQL.$PGPORT" ]] || fail "no socket $a/.s.PGSQL.$PGPORT"
createdb runner_test || fail "createdb"
[[ "$(psql -X -At -d runner_test -c 'select 1')" == 1 ]] || fail "psql -c 'select 1'"
psql -X -At -h 127.0.0.1 -p "$PGPORT" -d runner_test -c 'select 1' >/dev/null 2>&1 &&
    fail "the cluster answers on TCP"
[[ "$(psql -X -At -c 'show fsync')" == off ]] || fail "fsync is not off"
pid="$(postmaster_pid "$a")"
again="$("$cluster" start "$a")" || fail "start on a running cluster"
[[ "$again" == *"PGPORT=$PGPORT"* ]] || fail "start on a running cluster printed '$again'"
[[ "$(postmaster_pid "$a")" == "$pid" ]] || fail "start on a running cluster restarted it"

# 2. a postmaster killed with -9 leaves postmaster.pid behind: start and stop cope.
kill -KILL "$pid"
start "$a"
[[ "$(psql -X -At -d runner_test -c 'select 2')" == 2 ]] ||
    fail "query after restarting a killed cluster"
"$cluster" stop "$a" || fail "stop"
[[ ! -e "$a" ]] || fail "stop left $a behind"
pgrep -f -- "-D $a/data" >/dev/null && fail "processes of the cluster still run after stop"
b="$root/b"
start "$b"
kill -KILL "$(postmaster_pid "$b")"
"$cluster" stop "$b" || fail "stop after kill -9"
[[ ! -e "$b" ]] || fail "stop after kill -9 left $b behind"
pgrep -f -- "-D $b/data" >/dev/null && fail "processes of the cluster still run after stop"

# 3. stop after a failed start (the socket path is too long) removes the directory.
c="$root/$(printf 'x%.0s' $(seq 110))"
dirs+=("$c")
"$cluster" start "$c" >/dev/null 2>&1 && fail "start with a too long socket path succeeded"
"$cluster" stop "$c" || fail "stop after a failed start"
[[ ! -e "$c" ]] || fail "stop after a failed start left the directory"

# 4. stop leaves a directory it did not make alone, and stop of nothing is fine.
d="$root/d"
mkdir "$d" && echo keep >"$d/precious"
"$cluster" stop "$d" >/dev/null 2>&1 && fail "stop removed a foreign directory"
[[ -e "$d/precious" ]] || fail "stop deleted a foreign file"
"$cluster" stop "$root/none" || fail "stop of a missing directory"

[[ $failures -eq 0 ]] && echo "pg-test-cluster: all checks passed"
exit $((failures > 0))
