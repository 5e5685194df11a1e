#!/usr/bin/env python3
"""runner's benchmark: generates the workloads, times runner against the sqlite3 shell running
the same SQL (the limit), `cat` of every migration file (the limit for read-only commands),
Alembic and sqitch, and prints (and writes to BENCHMARKS.md) medians, ratios, peak memory and
PASS/FAIL for each performance target. scripts/bench builds runner and calls this."""

import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads as wl  # noqa: E402
import pg_bench  # noqa: E402
import report  # noqa: E402

SLOW_SECONDS = 20.0       # a command slower than this on its first run runs 3 times at most
VERY_SLOW_SECONDS = 90.0  # and one slower than this, once


# ---------------------------------------------------------------------------------------------
# Running and timing one command

class Result:
    def __init__(self, seconds, rss_kb, code, timed_out=False, cpu=None):
        self.seconds = seconds
        self.cpu = cpu
        self.rss_kb = rss_kb
        self.code = code
        self.timed_out = timed_out


MEASURE = None  # the compiled bench/measure.cpp
RUNNING = []    # the process group being measured, stopped with the harness
CLUSTERS = []   # PostgreSQL servers the run started (bench/pg_bench.py), stopped with it


def stop(signum, _frame):
    for pid in RUNNING:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for c in CLUSTERS:
        c.stop()
    os._exit(128 + signum)  # not sys.exit: the signal may arrive while stderr's lock is held


def build_measure(workdir):
    global MEASURE
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "measure.cpp")
    exe = os.path.join(workdir, "measure")
    subprocess.run(["c++", "-O2", "-std=c++17", "-o", exe, src], check=True)
    MEASURE = exe


def spawn(argv, stdin=None, stdout=None, stderr=None, env=None, timeout=None, repeat=1):
    """Runs argv (`repeat` times in a row) with the given files as stdin/stdout/stderr, through
    bench/measure.cpp, and returns the mean wall time, the peak RSS (wait4's ru_maxrss) and the
    exit code. A run longer than `timeout` seconds is killed with its whole process group."""
    exe = argv[0] if os.path.isabs(argv[0]) else shutil.which(argv[0])
    if exe is None:
        raise FileNotFoundError(argv[0])
    fd, result = tempfile.mkstemp(prefix="measure-", suffix=".txt")
    os.close(fd)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin or os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    killed = []
    pid = os.posix_spawn(MEASURE, [MEASURE, result, str(repeat), exe] + list(argv[1:]),
                         env if env is not None else os.environ, file_actions=actions, setpgroup=0)
    RUNNING.append(pid)
    timer = None
    if timeout:
        def kill():
            killed.append(True)
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
    start = time.perf_counter()
    _, status, _ = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    RUNNING.remove(pid)
    if timer:
        timer.cancel()
    try:
        if killed:
            try:
                os.killpg(pid, signal.SIGKILL)  # whatever the group left behind
            except ProcessLookupError:
                pass
            return Result(elapsed, 0, -9, True)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("bench/measure failed on %s" % " ".join(argv))
        with open(result) as f:
            seconds, rss_kb, code, cpu = f.read().split()
        return Result(float(seconds), int(rss_kb), int(code), cpu=float(cpu))
    finally:
        os.remove(result)


class Measurement:
    """The runs of one command: median wall time, peak RSS, and how it ended."""

    def __init__(self, results, note=""):
        ok = [r for r in results if r.code == 0 and not r.timed_out]
        self.runs = len(results)
        self.timed_out = any(r.timed_out for r in results)
        self.failed = not self.timed_out and len(ok) < len(results)
        self.seconds = statistics.median(r.seconds for r in ok) if ok and not self.failed else None
        self.cpu = statistics.median(r.cpu for r in ok) if ok and not self.failed else None
        self.rss_kb = max(r.rss_kb for r in results) if results else None
        self.timeout = max(r.seconds for r in results) if self.timed_out else None
        self.note = note
        self.all = [round(r.seconds, 6) for r in results]  # every run, for the spread


class Spec:
    """One command to measure: argv (a callable, evaluated per run), an untimed `prepare` before
    each run, stdin, environment and a time-out (peers only)."""

    def __init__(self, label, make_argv, prepare=None, stdin=None, env=None, timeout=None):
        self.label = label
        self.make_argv = make_argv
        self.prepare = prepare
        self.stdin = stdin
        self.env = env
        self.timeout = timeout
        self.results = []
        self.runs_left = 0
        self.warm = False
        self.done = False


def measure_group(specs, runs, warmup=False, logdir=None):
    """Measures the specs round-robin (A B C A B C ...), so that other load on the machine, which
    comes and goes, falls on all of them alike; returns a Measurement each, in order. With
    `warmup`, each runs once untimed first. A command whose first run is slower than SLOW_SECONDS
    is cut to 3 runs (a peer with a time-out to 1); a time-out or a failure stops that command."""
    for spec in specs:
        spec.runs_left = runs
        spec.warm = not warmup
    while any(not s.done for s in specs):
        for spec in specs:
            if spec.done:
                continue
            stderr = os.path.join(logdir, "".join(c if c.isalnum() else "_" for c in spec.label)
                                  + ".err") if logdir else None
            if spec.prepare:
                spec.prepare()
            r = spawn(spec.make_argv(), stdin=spec.stdin, stderr=stderr, env=spec.env,
                      timeout=spec.timeout)
            cap = 1 if spec.timeout or r.seconds > VERY_SLOW_SECONDS else 3
            if not spec.warm and not r.timed_out and r.code == 0:
                spec.warm = True
                if r.seconds > SLOW_SECONDS:  # too slow to need warming up: count it
                    spec.results.append(r)
                    spec.runs_left = min(spec.runs_left, cap) - 1
                spec.done = spec.runs_left <= 0
                continue
            spec.results.append(r)
            spec.runs_left -= 1
            if r.timed_out or r.code != 0:
                tail = ""
                if stderr and os.path.exists(stderr):
                    with open(stderr, errors="replace") as f:
                        tail = f.read()[-600:]
                print("  ! %s: %s%s" % (spec.label, "timed out after %.0f s" % r.seconds
                                       if r.timed_out else "exit code %d" % r.code,
                                       ("\n    " + tail.strip().replace("\n", "\n    "))
                                       if tail else ""), file=sys.stderr)
                spec.done = True
                continue
            if r.seconds > SLOW_SECONDS and len(spec.results) == 1:
                spec.runs_left = min(spec.runs_left, cap - 1)
            spec.done = spec.runs_left <= 0
    out = []
    for spec in specs:
        m = Measurement(spec.results)
        shown = ("%.3f s" % m.seconds) if m.seconds is not None else (
            "> %.0f s" % m.timeout if m.timed_out else "failed")
        spread = " %.3f-%.3f," % (min(m.all), max(m.all)) if len(m.all) > 1 else ""
        print("  %-46s %12s  (CPU %s, %d run%s,%s peak RSS %.1f MB)"
              % (spec.label, shown, "%.3f s" % m.cpu if m.cpu is not None else "—", m.runs,
                 "" if m.runs == 1 else "s", spread, (m.rss_kb or 0) / 1024),
              file=sys.stderr, flush=True)
        out.append(m)
    return out


def measure(label, runs, make_argv, *, prepare=None, stdin=None, env=None, timeout=None,
            warmup=False, logdir=None):
    """measure_group of one command."""
    return measure_group([Spec(label, make_argv, prepare, stdin, env, timeout)], runs, warmup,
                         logdir)[0]


def to_json(results):
    """The results as JSON-able values (Measurements as dicts, (shape, n) keys as 'shape/n')."""
    def conv(v):
        if isinstance(v, Measurement):
            return {"measurement": {k: getattr(v, k) for k in (
                "runs", "timed_out", "failed", "seconds", "cpu", "rss_kb", "timeout", "note",
                "all")}}
        if isinstance(v, dict):
            return {("%s/%s" % k if isinstance(k, tuple) else str(k)): conv(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [conv(x) for x in v]
        return v
    return conv(results)


def from_json(data):
    """The inverse of to_json."""
    def conv(v, key_kind=None):
        if isinstance(v, dict) and "measurement" in v:
            m = Measurement([])
            for k, x in v["measurement"].items():
                setattr(m, k, x)
            return m
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                if key_kind == "pair":
                    shape, n = k.split("/")
                    out[(shape, int(n))] = conv(x)
                elif key_kind == "int":
                    out[int(k)] = conv(x)
                else:
                    out[k] = conv(x)
            return out
        return v
    res = {}
    for k, v in data.items():
        kind = "pair" if k in ("upgrade", "read", "cat", "stat") else "int" if k == "big" else None
        res[k] = conv(v, kind)
    return res


def remove_db(path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


# ---------------------------------------------------------------------------------------------
# Tools

def find_alembic_python():
    for py in (sys.executable, "/usr/bin/python3"):
        if py and os.path.exists(py) and subprocess.run(
                [py, "-c", "import alembic"], capture_output=True).returncode == 0:
            return py
    return None


def tool_version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - a version string is decoration
        return "?"


def machine_info(runner, built_from, alembic_py, sqitch):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = "%.0f GiB" % (kb / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "loadavg": "%.2f %.2f %.2f" % os.getloadavg(),
        "runner": "%s (%s)" % (tool_version([runner, "--version"]), built_from),
        "compiler": tool_version(["c++", "--version"]),
        "sqlite3": "sqlite3 " + tool_version(["sqlite3", "--version"]).split()[0],
        "alembic": ("Alembic " + subprocess.run(
            [alembic_py, "-c", "import alembic, sqlalchemy; print(alembic.__version__, "
             "'with SQLAlchemy', sqlalchemy.__version__)"], capture_output=True,
            text=True).stdout.strip()) if alembic_py else "not installed",
        "sqitch": tool_version([sqitch, "--version"]) if sqitch else "not installed",
    }


# ---------------------------------------------------------------------------------------------
# The benchmark

READ_COMMANDS = [
    ("current", ["current"]),
    ("heads", ["heads"]),
    ("check", ["check"]),
    ("history", ["history"]),
    ("history --verbose", ["history", "--verbose"]),
]
ALEMBIC_READ = {
    "current": ["current"],
    "heads": ["heads"],
    "history": ["history"],
    "history --verbose": ["history", "--verbose"],
}


def verify_same_sql(runner_db, shell_db):
    """The limit is only fair if it ran the same statements: same schema, same version rows
    (with runner's checksums), same number of audit-log rows."""
    def snapshot(path):
        con = sqlite3.connect(path)
        try:
            schema = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                 "ORDER BY type, name").fetchall()
            versions = con.execute("SELECT revision, checksum, how FROM runner_version "
                                   "ORDER BY revision").fetchall()
            log = con.execute("SELECT count(*) FROM runner_version_log").fetchone()[0]
            tables = [n for (t, n, _, _) in schema if t == "table"]
            rows = sum(con.execute('SELECT count(*) FROM "%s"' % t).fetchone()[0] for t in tables)
            return schema, versions, log, rows
        finally:
            con.close()
    a, b = snapshot(runner_db), snapshot(shell_db)
    problems = []
    for name, x, y in zip(("schema", "version rows", "audit-log rows", "table rows"), a, b):
        if x != y:
            problems.append(name)
    return problems


def default_chart(out_path):
    """bench/benchmarks.svg for the repository's BENCHMARKS.md, else the report's name .svg."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.abspath(out_path) == os.path.join(repo, "BENCHMARKS.md"):
        return os.path.join(repo, "bench", "benchmarks.svg")
    return os.path.splitext(os.path.abspath(out_path))[0] + ".svg"


def measure_postgres(cluster, c):
    """The PostgreSQL rows of one history (`c` holds the loop's values): `upgrade heads` against
    psql running the same SQL with the same transactions over one connection (at 2,000), Alembic
    on the same server as a peer, and `current`/`check` against cat (at 10,000)."""
    label = "%s %s" % (c.shape, report.nice(c.n))
    at_2000 = c.n == report.target_size(c.sizes, 2000)
    at_10000 = c.n == report.target_size(c.sizes, 10000) and not c.upgrade_only
    if not at_2000 and not at_10000:
        return
    revs = pg_bench.postgres_revs(c.revs)
    sql_dir = os.path.join(c.base, "sql-postgresql")
    if not os.path.isdir(sql_dir):
        wl.write_runner_dir(revs, sql_dir)
    c = argparse.Namespace(**dict(vars(c), revs=revs, sql_dir=sql_dir))
    if at_2000:
        limit = os.path.join(c.base, "limit.psql")
        pg_bench.write_psql_limit(c.runner, cluster, c.sql_dir, limit)
        measured = measure_group([
            Spec("runner upgrade heads on PostgreSQL",
                 lambda: [c.runner, "--db", cluster.url("bench_runner"), "--dir", c.sql_dir,
                          "upgrade", "heads"],
                 prepare=lambda: cluster.recreate("bench_runner")),
            Spec("psql, same SQL, same transactions",
                 lambda: cluster.psql("bench_psql", "-f", limit),
                 prepare=lambda: cluster.recreate("bench_psql"))], c.runs, logdir=c.logs)
        row = {"section": "postgresql", "command": "`upgrade heads`", "workload": label,
               "runner": measured[0], "limit": measured[1], "target": report.TARGETS["upgrade"],
               "limit_label": "psql: the same SQL, one transaction per migration, one connection"}
        if measured[0].seconds is not None and measured[1].seconds is not None:
            problems = pg_bench.same_result(cluster, "bench_runner", "bench_psql",
                                            wl.VERSION_TABLE)
            if problems:
                c.results["mismatch"].append("PostgreSQL %s: %s" % (label, ", ".join(problems)))
        if c.alembic_py and c.shape != "data" and subprocess.run(
                [c.alembic_py, "-c", "import psycopg2"], capture_output=True).returncode == 0:
            adir = os.path.join(c.base, "alembic-pg")
            wl.write_alembic_project(c.revs, adir, None, url=cluster.sqlalchemy_url("bench_alembic"))
            ini = os.path.join(adir, "alembic.ini")
            row["peer"] = measure("alembic upgrade heads on PostgreSQL", c.runs,
                                  lambda: [c.alembic_py, "-m", "alembic", "-c", ini, "upgrade",
                                           "heads"],
                                  prepare=lambda: cluster.recreate("bench_alembic"), env=c.env,
                                  timeout=c.peer_timeout, logdir=c.logs)
        c.results["compare"].append(row)
    if at_10000:
        cluster.recreate("bench_reads")
        url = cluster.url("bench_reads")
        subprocess.run([c.runner, "--db", url, "--dir", c.sql_dir, "upgrade", "heads"],
                       check=True, stderr=subprocess.DEVNULL)
        files = sorted(glob.glob(os.path.join(c.sql_dir, "*.sql")))
        specs = [Spec("cat every migration file (%d files)" % len(files),
                      lambda: ["/bin/sh", "-c", 'cd "$0" && exec cat -- *.sql', c.sql_dir])]
        for cmd in ("current", "check"):
            specs.append(Spec("runner %s on PostgreSQL" % cmd,
                              lambda cmd=cmd: [c.runner, "--db", url, "--dir", c.sql_dir, cmd]))
        measured = measure_group(specs, c.runs, warmup=True, logdir=c.logs)
        for cmd, m in zip(("current", "check"), measured[1:]):
            c.results["compare"].append({
                "section": "postgresql", "command": "`%s`" % cmd, "workload": label,
                "runner": m, "limit": measured[0], "target": report.TARGETS["read"],
                "limit_label": "cat of every migration file"})


def shown_args(argv):
    """The command line as a person types it to scripts/bench: without --runner."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in ("--runner", "--built-from"):
            skip = True
        elif not a.startswith(("--runner=", "--built-from=")):
            out.append(a)
    return " ".join(out)


TRUST_ROWS = {"verify", "schema", "lint"}
OTHER_ONLY_ROWS = {"postgres", "diff"}


def diff_row(results, shape, n, sizes, runner, sql_dir, base, revs, runs, logs, sqlite3_shell):
    """The `diff` row (data history at 2,000): runner diff against the shell building the same
    two schemas."""
    # `runner diff`: the migrations' schema and schema.sql each built on a scratch
    # database in memory, then compared; the limit is the shell building the same two.
    if shape == "data" and n == report.target_size(sizes, 2000):
        schema_sql = os.path.join(base, "schema.sql")
        with open(schema_sql, "wb") as out:
            subprocess.run([runner, "--dir", sql_dir, "schema"], stdout=out, check=True)
        # The shell reads every up file itself (`.read`, parents first), as runner
        # must: opening 2,000 files is part of the work, not something to do beforehand.
        ups = os.path.join(base, "every-up.sql")
        with open(ups, "w") as out:
            for r in revs:  # created parents first: a topological order
                path = os.path.join(sql_dir, r.stem + ".up.sql")
                assert "'" not in path  # the shell's '...' arguments have no escapes
                out.write(".read '%s'\n" % path)
        measured = measure_group([
            Spec("runner diff (schema.sql = the heads' schema)",
                 lambda: [runner, "--dir", sql_dir, "diff", "--schema-file", schema_sql]),
            Spec("sqlite3 shell: every up file, then schema.sql, into memory",
                 lambda: ["/bin/sh", "-c", '"$0" :memory: < "$1" && "$0" :memory: < "$2"',
                          sqlite3_shell, ups, schema_sql])], runs, warmup=True, logdir=logs)
        results["compare"].append({
            "command": "`diff`", "workload": "%s %s" % (shape, report.nice(n)),
            "runner": measured[0], "limit": measured[1], "target": report.TARGETS["diff"],
            "limit_label": "sqlite3 shell: every up file, then schema.sql, into memory"})


def trust_rows(results, rows, shape, n, sizes, runner, sql_dir, base, runs, logs):
    """The rows of verify, schema, check --schema and lint, each against what the issue measures
    it by, timed in the same run."""
    def add(command, measured, target, limit_label):
        results["compare"].append({
            "command": command, "workload": "%s %s" % (shape, report.nice(n)),
            "runner": measured[0], "limit": measured[1], "target": target,
            "limit_label": limit_label})

    verify = ["verify", "--format", "json"]
    if shape == "branchy" and n == report.target_size(sizes, 2000) and rows & {"verify", "lint"}:
        db = os.path.join(base, "roundtrip.db")
        if "verify" in rows:
            label = "runner upgrade heads + downgrade base (database file)"
            print("== verify, %s %d" % (shape, n), file=sys.stderr, flush=True)
            measured = measure_group([
                Spec("runner verify", lambda: [runner, "--dir", sql_dir] + verify),
                Spec(label, lambda: ["/bin/sh", "-c",
                                     '"$0" --db "$1" --dir "$2" upgrade heads && '
                                     'exec "$0" --db "$1" --dir "$2" downgrade base',
                                     runner, db, sql_dir],
                     prepare=lambda: remove_db(db))], runs, logdir=logs)
            add("`verify`", measured, report.TARGETS["verify"], label)
            remove_db(db)
        if "lint" in rows:
            print("== lint, %s %d" % (shape, n), file=sys.stderr, flush=True)
            measured = measure_group([
                Spec("runner lint", lambda: [runner, "--dir", sql_dir, "lint", "--format", "json"]),
                Spec("runner verify", lambda: [runner, "--dir", sql_dir] + verify)],
                runs, logdir=logs)
            add("`lint`", measured, report.TARGETS["lint"], "runner verify")
    if shape == "data" and n == report.target_size(sizes, 10000) and "schema" in rows:
        # "upgrade head of that history into memory": runner refuses an in-memory database
        # (it would keep nothing), so a database file on /dev/shm, a file system in memory.
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else base
        mem_db = os.path.join(tempfile.mkdtemp(prefix="runner-bench-", dir=shm), "memory.db")
        label = "runner upgrade heads into a database file on %s%s" % (
            shm, " (tmpfs: in memory)" if shm == "/dev/shm" else "")
        db = os.path.join(base, "schema-check.db")
        remove_db(db)
        subprocess.run([runner, "--db", db, "--dir", sql_dir, "upgrade", "heads"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print("== schema and check --schema, %s %d" % (shape, n), file=sys.stderr, flush=True)
        measured = measure_group([
            Spec("runner schema", lambda: [runner, "--dir", sql_dir, "schema"]),
            Spec("runner check --schema",
                 lambda: [runner, "--db", db, "--dir", sql_dir, "check", "--schema"]),
            Spec(label, lambda: [runner, "--db", mem_db, "--dir", sql_dir, "upgrade", "heads"],
                 prepare=lambda: remove_db(mem_db))], runs, logdir=logs)
        add("`schema`", [measured[0], measured[2]], report.TARGETS["schema"], label)
        add("`check --schema`", [measured[1], measured[2]], report.TARGETS["schema"], label)
        remove_db(mem_db)
        shutil.rmtree(os.path.dirname(mem_db), ignore_errors=True)
        remove_db(db)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runner", required=True, help="the runner binary to measure")
    ap.add_argument("--built-from", help="how the runner binary was built, for the report")
    ap.add_argument("--quick", action="store_true",
                    help="CI smoke run: tiny sizes, one run, no BENCHMARKS.md unless --out")
    ap.add_argument("--runs", type=int, help="runs per measurement (median; default 5, quick 1)")
    ap.add_argument("--sizes", help="history sizes (default 200,2000,10000; quick 20,200)")
    ap.add_argument("--shapes", default="linear,branchy,data",
                    help="histories: linear, branchy (every migration adds a table) and data "
                    "(the branchy graph, data-only migrations)")
    ap.add_argument("--big-mb", help="sizes of the large migration in MB (default 50,200; quick 2,8)")
    ap.add_argument("--peers", dest="peers", action="store_true", default=True)
    ap.add_argument("--no-peers", dest="peers", action="store_false")
    ap.add_argument("--pg", dest="pg", action="store_true", default=True,
                    help="also measure on a throwaway PostgreSQL server (the default)")
    ap.add_argument("--no-pg", dest="pg", action="store_false")
    ap.add_argument("--upgrade-only", action="store_true",
                    help="only the upgrade rows of the histories (no start-up, read-only commands "
                         "or large migration); no file written unless --out")
    ap.add_argument("--only", metavar="ROWS",
                    help="measure only these rows, comma-separated: verify, schema (schema and "
                         "check --schema), lint, postgres (the PostgreSQL rows), diff; no file "
                         "written unless --out")
    ap.add_argument("--peer-timeout", type=float, default=300.0,
                    help="seconds before a peer's run is stopped and reported as '>' (default 300)")
    ap.add_argument("--alembic-upgrade-max", type=int, default=2000,
                    help="largest history Alembic and sqitch upgrade (default 2000)")
    ap.add_argument("--startup-iterations", type=int, help="calls of runner --version (default 200)")
    ap.add_argument("--out", help="write the report here (default BENCHMARKS.md; none when quick)")
    ap.add_argument("--chart", help="the SVG chart (default bench/benchmarks.svg for the repository's "
                    "BENCHMARKS.md, else --out with .svg)")
    ap.add_argument("--workdir", help="generate workloads here (default a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the workdir")
    ap.add_argument("--report-from", metavar="JSON",
                    help="measure nothing: write the report from a run's results.json")
    args = ap.parse_args()
    if args.report_from:
        with open(args.report_from) as f:
            results = from_json(json.load(f))
        out_path = os.path.abspath(args.out or os.path.join(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "BENCHMARKS.md"))
        chart_path = args.chart or default_chart(out_path)
        print(report.terminal(results))
        report.write(results, out_path, chart_path)
        print("bench: wrote %s and %s" % (out_path, chart_path), file=sys.stderr)
        return 0
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    runs = args.runs or (1 if args.quick else 5)
    sizes = [int(s) for s in (args.sizes or ("20,200" if args.quick else "200,2000,10000")).split(",")]
    big_mbs = [int(s) for s in (args.big_mb or ("2,8" if args.quick else "50,200")).split(",")
               if s and int(s) > 0 and not args.upgrade_only]  # --big-mb 0: none
    if args.only:
        big_mbs = []
    shapes = [s for s in args.shapes.split(",") if s]
    startup_iterations = args.startup_iterations or (20 if args.quick else 200)
    only = set(r for r in (args.only or "").split(",") if r)
    if only - TRUST_ROWS - OTHER_ONLY_ROWS:
        sys.exit("bench: --only takes %s" % ", ".join(sorted(TRUST_ROWS | OTHER_ONLY_ROWS)))
    out_path = args.out or (None if args.quick or args.upgrade_only or only
                            else os.path.join(repo, "BENCHMARKS.md"))
    chart_path = args.chart or (default_chart(out_path) if out_path else None)
    runner = os.path.abspath(args.runner)
    sqlite3_shell = shutil.which("sqlite3")
    if not sqlite3_shell:
        sys.exit("bench: the sqlite3 shell is needed (apt-get install sqlite3)")
    alembic_py = find_alembic_python() if args.peers else None
    sqitch = shutil.which("sqitch") if args.peers else None
    if args.peers and not alembic_py:
        print("bench: Alembic not installed (apt-get install python3-alembic); skipping it",
              file=sys.stderr)
    if args.peers and not sqitch:
        print("bench: sqitch not installed (apt-get install sqitch libdbd-sqlite3-perl); "
              "skipping it", file=sys.stderr)

    work = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="runner-bench-")
    os.makedirs(work, exist_ok=True)
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    os.chdir(work)  # no runner.ini here, and no directory named alembic
    build_measure(work)
    env = dict(os.environ, SQITCH_FULLNAME="Bench", SQITCH_EMAIL="bench@example.com",
               PYTHONWARNINGS="ignore")
    env.pop("DATABASE_URL", None)

    info = machine_info(runner, args.built_from or "binary " + runner, alembic_py, sqitch)
    results = {"info": info, "runs": runs, "sizes": sizes, "shapes": shapes, "big_mbs": big_mbs,
               "quick": args.quick, "upgrade": {}, "read": {}, "big": {}, "startup": {},
               "compare": [],
               "cat": {}, "stat": {}, "mismatch": [], "argv_shown": shown_args(sys.argv[1:])}
    started = time.time()
    print("bench: workloads in %s; %d run%s each" % (work, runs, "" if runs == 1 else "s"),
          file=sys.stderr)

    # Startup.
    if not args.upgrade_only and not args.only:
        print("== startup", file=sys.stderr)
    for label, argv in (() if args.upgrade_only or args.only else
                        (("--version", [runner, "--version"]), ("--help", [runner, "--help"]),
                         ("true (spawn baseline)", ["/bin/true"]))):
        # The best of 5 loops: start-up is short enough for other load to dominate the mean.
        results["startup"][label] = min(spawn(argv, repeat=startup_iterations).seconds
                                        for _ in range(5))
        print("  %-46s %9.2f ms per call (%d calls, best of 5 loops)"
              % (label, results["startup"][label] * 1000, startup_iterations), file=sys.stderr)

    # Histories (and, beside each, the same on PostgreSQL).
    cluster = None
    if args.pg:
        cluster = pg_bench.Cluster(repo)
        CLUSTERS.append(cluster)  # stopped when main() ends, however it ends
        if not cluster.start():
            cluster = None
    for shape in shapes:
        for n in sizes:
            key = (shape, n)
            print("== %s history, %d revisions" % (shape, n), file=sys.stderr, flush=True)
            base = os.path.join(work, "%s-%d" % (shape, n))
            revs = {"linear": wl.linear_history, "branchy": wl.branchy_history,
                    "data": wl.data_history}[shape](n)
            sql_dir = os.path.join(base, "sql")
            if not os.path.isdir(sql_dir):
                wl.write_runner_dir(revs, sql_dir)
            shell_script = os.path.join(base, "limit.sql")
            wl.write_shell_script(runner, sql_dir, shell_script)
            db = os.path.join(base, "runner.db")
            shell_db = os.path.join(base, "shell.db")
            if not args.upgrade_only and (not only or only & TRUST_ROWS):
                trust_rows(results, (only & TRUST_ROWS) or TRUST_ROWS, shape, n, sizes, runner,
                           sql_dir, base, runs, logs)
            if only:
                if "postgres" in only and cluster is not None:
                    measure_postgres(cluster, argparse.Namespace(
                        shape=shape, n=n, sizes=sizes, revs=revs, sql_dir=sql_dir, base=base,
                        runner=runner, runs=runs, logs=logs, results=results, env=env,
                        alembic_py=alembic_py, peer_timeout=args.peer_timeout,
                        upgrade_only=False))
                if "diff" in only:
                    diff_row(results, shape, n, sizes, runner, sql_dir, base, revs, runs, logs,
                             sqlite3_shell)
                continue
            up = {}

            specs = [Spec("runner upgrade heads",
                          lambda: [runner, "--db", db, "--dir", sql_dir, "upgrade", "heads"],
                          prepare=lambda: remove_db(db)),
                     Spec("sqlite3 shell, same SQL", lambda: [sqlite3_shell, shell_db],
                          prepare=lambda: remove_db(shell_db), stdin=shell_script)]
            if n == 2000 or (n == max(sizes) and n < 2000):
                fk_script = os.path.join(base, "limit-fk.sql")
                fk_db = os.path.join(base, "shell-fk.db")
                wl.write_shell_script(runner, sql_dir, fk_script, fk_check=True)
                specs.append(Spec("sqlite3 shell + PRAGMA foreign_key_check",
                                  lambda: [sqlite3_shell, fk_db], prepare=lambda: remove_db(fk_db),
                                  stdin=fk_script))
            measured = measure_group(specs, runs, logdir=logs)
            up["runner"], up["limit"] = measured[0], measured[1]
            if len(measured) > 2:
                up["limit_fk"] = measured[2]
            if up["runner"].seconds is not None and up["limit"].seconds is not None:
                problems = verify_same_sql(db, shell_db)
                if problems:
                    results["mismatch"].append("%s %d: %s" % (shape, n, ", ".join(problems)))
                    print("  ! runner and the shell differ in: " + ", ".join(problems),
                          file=sys.stderr)
            # The data history tells runner's own scaling apart from SQLite's (its schema stays
            # the same size): no peers, whose numbers would repeat branchy's.
            if alembic_py and n <= args.alembic_upgrade_max and shape != "data":
                adir = os.path.join(base, "alembic")
                adb = os.path.join(base, "alembic.db")
                wl.write_alembic_project(revs, adir, adb)
                ini = os.path.join(adir, "alembic.ini")
                up["alembic"] = measure("alembic upgrade heads", runs,
                                        lambda: [alembic_py, "-m", "alembic", "-c", ini,
                                                 "upgrade", "heads"],
                                        prepare=lambda: remove_db(adb), env=env,
                                        timeout=args.peer_timeout, logdir=logs)
            if sqitch and n <= args.alembic_upgrade_max and shape != "data":
                sdir = os.path.join(base, "sqitch")
                wl.write_sqitch_project(revs, sdir, runner_dir=sql_dir)
                sdb = os.path.join(base, "sqitch-target.db")
                registry = os.path.join(base, "sqitch.db")
                sargv = ["sqitch", "--chdir", sdir, "deploy", "db:sqlite:" + sdb]

                def fresh_sqitch():
                    remove_db(sdb)
                    remove_db(registry)
                up["sqitch"] = measure("sqitch deploy", runs, lambda: sargv, prepare=fresh_sqitch,
                                       env=env, timeout=args.peer_timeout, logdir=logs)
            results["upgrade"][key] = up
            if cluster is not None:
                measure_postgres(cluster, argparse.Namespace(
                    shape=shape, n=n, sizes=sizes, revs=revs, sql_dir=sql_dir, base=base,
                    runner=runner, runs=runs, logs=logs, results=results, env=env,
                    alembic_py=alembic_py, peer_timeout=args.peer_timeout,
                    upgrade_only=args.upgrade_only))

            # Read-only commands on the upgraded database.
            if up["runner"].seconds is None or args.upgrade_only:
                continue
            reads = {}
            files = sorted(glob.glob(os.path.join(sql_dir, "*.sql")))
            specs = [Spec("cat every migration file (%d files)" % len(files),
                          lambda: ["/bin/sh", "-c", 'cd "$0" && exec cat -- *.sql', sql_dir]),
                     # The least any reader must do to notice an edited file, even one that
                     # keeps a cache of parsed headers: list the directory, stat every file
                     # (-size makes find stat it).
                     Spec("list and stat every migration file",
                          lambda: ["find", sql_dir, "-maxdepth", "1", "-name", "*.sql",
                                   "-size", "-2G", "-printf", ""])]
            for label, cmd in READ_COMMANDS:
                specs.append(Spec("runner " + label,
                                  lambda cmd=cmd: [runner, "--db", db, "--dir", sql_dir] + cmd))
            measured = measure_group(specs, runs, warmup=True, logdir=logs)
            results["cat"][key] = measured[0]
            results["stat"][key] = measured[1]
            for (label, _), m in zip(READ_COMMANDS, measured[2:]):
                reads[label] = {"runner": m}
            if alembic_py and (shape == "branchy" or
                               (shape == "linear" and n <= args.alembic_upgrade_max)):
                adir = os.path.join(base, "alembic")
                adb = os.path.join(base, "alembic.db")
                if not os.path.isdir(adir):
                    wl.write_alembic_project(revs, adir, adb)
                wl.stamp_alembic_db(revs, adb)
                ini = os.path.join(adir, "alembic.ini")
                for label, cmd in ALEMBIC_READ.items():
                    reads[label]["alembic"] = measure(
                        "alembic " + label, runs,
                        lambda cmd=cmd: [alembic_py, "-m", "alembic", "-c", ini] + cmd,
                        env=env, timeout=args.peer_timeout, warmup=True, logdir=logs)
            if sqitch and "sqitch" in up and up["sqitch"].seconds is not None and shape != "data":
                sdir = os.path.join(base, "sqitch")
                sdb = os.path.join(base, "sqitch-target.db")
                reads["current"]["sqitch"] = measure(
                    "sqitch status", runs,
                    lambda: ["sqitch", "--chdir", sdir, "status", "db:sqlite:" + sdb],
                    env=env, timeout=args.peer_timeout, warmup=True, logdir=logs)
            results["read"][key] = reads

            diff_row(results, shape, n, sizes, runner, sql_dir, base, revs, runs, logs,
                     sqlite3_shell)

    # The large data migration.
    for mb in big_mbs:
        print("== one %d MB data migration" % mb, file=sys.stderr, flush=True)
        base = os.path.join(work, "big-%d" % mb)
        r = wl.big_migration(mb)
        sql_dir = os.path.join(base, "sql")
        if not os.path.isdir(sql_dir):
            wl.write_runner_dir([r], sql_dir)
        size = os.path.getsize(os.path.join(sql_dir, r.stem + ".up.sql"))
        shell_script = os.path.join(base, "limit.sql")
        wl.write_shell_script(runner, sql_dir, shell_script)
        db = os.path.join(base, "runner.db")
        shell_db = os.path.join(base, "shell.db")
        big = {"bytes": size}
        big["runner"], big["limit"] = measure_group([
            Spec("runner upgrade heads",
                 lambda: [runner, "--db", db, "--dir", sql_dir, "upgrade", "heads"],
                 prepare=lambda: remove_db(db)),
            Spec("sqlite3 shell, same SQL", lambda: [sqlite3_shell, shell_db],
                 prepare=lambda: remove_db(shell_db), stdin=shell_script)], runs, logdir=logs)
        if big["runner"].seconds is not None and big["limit"].seconds is not None:
            problems = verify_same_sql(db, shell_db)
            if problems:
                results["mismatch"].append("%d MB: %s" % (mb, ", ".join(problems)))
        big["cat"] = measure("cat the file", runs,
                             lambda: ["/bin/sh", "-c", 'cd "$0" && exec cat -- *.sql', sql_dir],
                             warmup=True, logdir=logs)
        if sqitch:
            sdir = os.path.join(base, "sqitch")
            wl.write_sqitch_project([r], sdir, runner_dir=sql_dir)
            sdb = os.path.join(base, "sqitch-target.db")
            registry = os.path.join(base, "sqitch.db")

            def fresh_sqitch():
                remove_db(sdb)
                remove_db(registry)
            big["sqitch"] = measure("sqitch deploy", runs,
                                    lambda: ["sqitch", "--chdir", sdir, "deploy", "db:sqlite:" + sdb],
                                    prepare=fresh_sqitch, env=env, timeout=args.peer_timeout,
                                    logdir=logs)
        for name in ("runner.db", "shell.db", "sqitch-target.db"):
            remove_db(os.path.join(base, name))
        results["big"][mb] = big

    results["elapsed"] = time.time() - started
    with open(os.path.join(work, "results.json"), "w") as f:
        json.dump(to_json(results), f, indent=1)
    print()
    print(report.terminal(results))
    if out_path:
        report.write(results, out_path, chart_path)
        print("bench: wrote %s and %s" % (out_path, chart_path), file=sys.stderr)
    if args.keep or args.workdir:
        print("bench: kept %s (results.json re-renders the report: --report-from)" % work,
              file=sys.stderr)
    else:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        for c in CLUSTERS:
            c.stop()
    sys.exit(code)
