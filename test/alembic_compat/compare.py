#!/usr/bin/python3
"""Differential test: runner against Alembic 1.8.1 on random revision graphs.

Usage
-----
    test/alembic_compat/compare.py --runner build/runner                       # <= ~3 min
    test/alembic_compat/compare.py --runner build/runner --graphs 3 --steps 8  # CI smoke, ~5 s
    test/alembic_compat/compare.py --runner R --seed 42 --only-graph 7 --keep /tmp/k -v
    test/alembic_compat/compare.py --runner build/runner --backend postgres --graphs 30 \
        --budget-seconds 3000                                                 # PostgreSQL

  --seed N            graphs and commands come from random.Random("N/<graph>");
                      the default is a random seed, printed on the first line
  --graphs G          number of graphs (default 80)
  --steps S           commands per graph (default 30)
  --budget-seconds T  start no new command after T seconds (default 170)
  --keep DIR          keep every project and database under DIR/graph_NNN/ (PostgreSQL:
                      the cluster is DIR/pg-cluster, left running with its databases)
  --only-graph K      replay graph K of a seeded run (with the same --steps)
  -x, --exitfirst     stop at the first disagreement
  --order-lenient     list difference (c) below instead of failing on it
  --strict-row-order  fail on differences (d) and (f) below instead of listing them
  --alembic-exec M    fork (default) or subprocess, see "How Alembic is run"
  --backend B         sqlite (default) or postgres, see "PostgreSQL"
  --pg-cluster PATH   scripts/pg-test-cluster (default: found from this file's place)
  -v                  print each graph and command, and statistics at the end

The last line is ``alembic-compat: N passed, M failed``, where N and M count
command comparisons. The exit status is 0 if nothing failed and 1 otherwise;
with ``--backend postgres``, 77 when scripts/pg-test-cluster says that no
server can be installed (a test skips). Needs /usr/bin/python3 with
python3-alembic 1.8.1 (Debian), and python3-psycopg2 for PostgreSQL. If it is
started with another interpreter it re-executes itself under /usr/bin/python3.

What it does
------------
Each random graph has 4-14 revisions: chains, branch points, merge points
with 2 (rarely 3) parents, 1-3 roots, occasional ``depends_on`` (on a
revision in another lineage, sometimes through its branch label),
occasional branch labels, and ids that share a 4-9 character prefix. It
never has a cycle. The same graph is written twice:

* ``alembic.ini``, ``migrations/env.py`` and ``migrations/versions/NNNN_<rev>.py``,
  whose upgrade and downgrade run ``CREATE TABLE m_<rev> (x)`` (on PostgreSQL
  ``(x integer)``) and ``DROP TABLE m_<rev>``;
* ``sql/NNNN_<rev>.up.sql`` and ``.down.sql``, with the same statements under
  a header of ``-- revision:``, ``-- down_revision:``, ``-- branch_labels:``,
  ``-- depends_on:`` and ``-- message:`` lines.

File numbers follow creation order, and in about 30% of graphs a shuffled
order. Before a graph is used, Alembic loads it in-process, and the script
checks Alembic's heads and ancestor sets against its own model. A graph that
Alembic refuses is replaced by another one.

Next comes one random sequence of ``upgrade T``, ``downgrade T`` and ``stamp
[--purge] T [T...]``, run against two fresh databases, one per tool (SQLite
files, or databases of one PostgreSQL cluster: see "PostgreSQL"). T is
drawn from the whole target grammar: full ids, unique and ambiguous prefixes
(at least 4 characters), head, heads, base, +N, -N, REV+N, REV-N, head-1,
heads-1, base+N, LABEL, LABEL@head, LABEL@heads, LABEL@base, LABEL@REV,
LABEL@+1, LABEL@-1, REV@REV, REV@+N, REV@-N, and unknown ids. The weights make about 3 of 4
commands succeed. After each command the script checks four things:

1. both tools succeed or both fail; the runner must exit 0 or 1 (exit 2, a
   usage error, is always wrong here);
2. ``current`` prints the same set of revision ids (the first word of each line);
3. the applied sets agree. For Alembic this is its version rows plus all
   their ancestors through down_revision and depends_on, computed from the
   graph. For the runner it is the ids its ``current`` prints plus their
   ancestors;
4. both databases hold the same ``m_<rev>`` tables, i.e. the same migrations
   really ran. A stamp can leave these out of step with the version table.
   When that happens, the next command is sometimes ``stamp --purge`` to the
   tables' tops, or the script starts fresh databases, so that later upgrades
   do not all fail on existing tables.

Known differences are listed as ``known-difference: (x) ...`` and are not
failures. After each one the graph continues on a fresh pair of databases.

(a) Alembic succeeds but leaves an inconsistent version table, where one row
    is an ancestor of another (``stamp A B`` with A below B, ``stamp -2`` from
    several heads). The runner must refuse with exit 1 and "overlap" in its
    message. After an upgrade or downgrade the runner may also succeed, if its
    current and applied sets equal Alembic's. Also in (a): ``stamp X X``, which
    Alembic accepts when X is already a row (otherwise it crashes, see (b)),
    and the runner refuses with exit 1.
(b) Alembic crashes with a traceback (exit 1: AssertionError, KeyError). The
    runner must fail cleanly with exit 1. Examples in 1.8.1: ``stamp X X``; ``stamp A B``
    with A and B both below one current row; ``upgrade REV+N`` past a head;
    ``LABEL@-1`` in some branch layouts.
(c) Only with --order-lenient. A migration failed with an SQL error partway
    through a plan (e.g. ``CREATE TABLE`` on a table that already exists after
    a stamp), and the states differ afterwards. This means the two tools ran
    the steps in different orders. Without the flag it is a failure, because
    Alembic's order is deterministic.
(d) The outcome depends on the order of Alembic's version rows. For example,
    ``downgrade -1`` with several rows walks down from the first row SELECT
    returns (SQLite: lowest rowid; PostgreSQL: physical order, where an
    UPDATE moves the row to the end). 1.8.1 fills that order partly from Python set
    iteration: a merge step keeps the row of an arbitrary parent and
    deletes the others, and an unmerge inserts rows in set order. So the
    order depends on PYTHONHASHSEED. On any disagreement that starts from
    several rows, the script re-runs the command on copies of Alembic's
    pre-step database, with the rows in every order (up to 24). If Alembic's
    outcomes differ and one of them is the runner's, it is (d).
(e) Alembic fails (exit 255) but has still changed its version table, and
    the runner fails and changes nothing. ``stamp --purge T`` deletes every row
    before it resolves T, so an unknown T or ``head`` with several heads
    leaves Alembic's table empty.
(f) ``downgrade -N`` from several heads: Alembic walks down from its first
    row, warning "downgrade -1 from multiple heads is ambiguous; this usage
    will be disallowed in a future release". The runner refuses with exit 1,
    a message containing "ambiguous", and an unchanged database.

Any other disagreement is a failure. The script prints a reproduction: the
graph, the commands since the databases were fresh with both tools'
results, both tools' full output for the last command, Alembic's rows
before it, both tools' states after it, and a ``--only-graph`` replay line.
Then it moves on to the next graph.

How Alembic is run
------------------
Alembic stands for ``python3 -m alembic -c INI -x db=URL <command>``, with the
URL ``sqlite:///PATH`` or ``postgresql+psycopg2://USER@/DB?host=DIR&port=P``. It
exits 0 on success, 255 with ``FAILED: ...`` on stdout on failure, and 1 with
a traceback on a crash. Starting that interpreter takes about 0.3 s. So by
default the script imports alembic once and forks a child for each call.
The child calls the same entry point, ``alembic.config.main(prog="alembic")``,
with stdin from /dev/null and stdout and stderr sent to files, and keeps the
same exit codes. A call then costs about 30 ms. ``--alembic-exec
subprocess`` starts a fresh interpreter for each call instead and gives the
same results.

The script re-executes itself with PYTHONHASHSEED=0, so that Alembic's
set-order choices (see (d)) repeat from run to run and a seed replays exactly.

Alembic 1.8.1 lists the versions directory with a bare ``os.listdir``. On
ext4 that is hash order, and no file name can control it. So the Alembic
child wraps ``Script._list_py_dir`` to return the names sorted, as Alembic
does since 1.10. Both tools then see the files in ``NNNN_`` order. File order
only breaks ties, in the order of independent steps and heads.

The runner is invoked as ``RUNNER --db DB --dir SQLDIR <command...>`` and
``RUNNER --db DB --dir SQLDIR current``, in parallel with Alembic, where DB is
the SQLite file or ``postgresql://USER@/DB?host=DIR&port=P``. Every call,
Alembic or runner, times out after 30 s.

PostgreSQL
----------
``--backend postgres`` starts one throwaway cluster for the whole run with
``scripts/pg-test-cluster start DIR`` (a Unix socket in DIR, no TCP port; as
root the server runs as the user runner-pg, so DIR's parent is made 0755) and
stops it at the end, also after an exception, Ctrl-C, SIGTERM or SIGHUP. Every
pair of fresh databases is a pair of ``CREATE DATABASE``s, dropped when the
graph moves on to fresh ones. The migrations create ``m_<rev> (x integer)``
in both tools, as PostgreSQL needs a column type. The script reads the
databases with psycopg2 (``pg_tables`` outside the system schemas, and
Alembic's own ``SELECT version_num FROM alembic_version``), and the copies of
Alembic's database for (d) are ``CREATE DATABASE ... TEMPLATE``. All four
checks and every known difference apply as on SQLite; Alembic runs each
migration in a transaction of its own there (transaction_per_migration, and
PostgreSQL's DDL is transactional), as the runner does.
"""

import argparse
import atexit
import importlib
import importlib.util
import itertools
import os
import random
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback

TIMEOUT = 30.0
HEX = "0123456789abcdef"
LABEL_WORDS = [
    "orders", "users", "audit", "billing", "search", "reports", "mail",
    "media", "geo", "stats", "auth", "cache", "queue", "tags", "notes",
]

# Run in the Alembic child, before alembic.config.main: list the versions
# directory in sorted order, as Alembic does since 1.10.
SORT_PATCH = """
from alembic.script.base import Script as _S
_orig = _S._list_py_dir.__func__
_S._list_py_dir = classmethod(lambda cls, sd, path: sorted(_orig(cls, sd, path)))
"""

SUBPROCESS_BOOT = SORT_PATCH + """
import sys
sys.dont_write_bytecode = True
from alembic.config import main
main(argv=sys.argv[1:], prog="alembic")
"""

ENV_PY = '''\
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
url = context.get_x_argument(as_dictionary=True).get("db") or config.get_main_option("db_url")
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
'''


class HarnessError(Exception):
    pass


# --------------------------------------------------------------------------
# Revision graph


class Rev:
    def __init__(self, rid, down, deps, labels):
        self.id = rid
        self.down = tuple(down)      # revision ids
        self.deps = tuple(deps)      # revision ids or branch labels
        self.labels = tuple(labels)
        self.fileno = 0              # NNNN in the file names


class Graph:
    def __init__(self, revs):
        self.revs = {r.id: r for r in revs}
        self.created = [r.id for r in revs]
        self.label_rev = {l: r.id for r in revs for l in r.labels}
        self.children = {r.id: set() for r in revs}
        for r in revs:
            for d in r.down:
                self.children[d].add(r.id)
        self._anc = {}

    def resolve_dep(self, d):
        return self.label_rev.get(d, d)

    def parents(self, rid):
        r = self.revs[rid]
        return r.down + tuple(self.resolve_dep(d) for d in r.deps)

    def ancestors(self, rid):
        """rid and everything below it, through down_revision and depends_on."""
        if rid not in self._anc:
            out = {rid}
            for p in self.parents(rid):
                out |= self.ancestors(p)
            self._anc[rid] = frozenset(out)
        return self._anc[rid]

    def closure(self, ids):
        out = set()
        for i in ids:
            out |= self.ancestors(i)
        return out

    def down_ancestors(self, rid):
        out, todo = set(), [rid]
        while todo:
            x = todo.pop()
            if x not in out:
                out.add(x)
                todo.extend(self.revs[x].down)
        return out

    def down_descendants(self, rid):
        out, todo = set(), [rid]
        while todo:
            x = todo.pop()
            if x not in out:
                out.add(x)
                todo.extend(self.children[x])
        return out

    def current_of(self, ids):
        """Alembic's `current`: closure, minus revisions with a descendant by
        down_revision inside the closure."""
        c = self.closure(ids)
        return {x for x in c if not (self.down_descendants(x) - {x}) & c}

    def overlapping(self, rows):
        rows = list(rows)
        for a in rows:
            for b in rows:
                if a != b and a in self.ancestors(b):
                    return (a, b)
        return None

    def tops(self, ids):
        """The members of ids that are not an ancestor of another member."""
        return {x for x in ids if not any(x != y and x in self.ancestors(y) for y in ids)}

    def walk(self, rid, n, up):
        """Where n single-child (up) or single-parent (down) steps lead, or None."""
        x = rid
        for _ in range(n):
            nxt = sorted(self.children[x]) if up else list(self.revs[x].down)
            if len(nxt) != 1:
                return None
            x = nxt[0]
        return x

    def heads(self):
        return [x for x in self.created if not self.children[x]]

    def file_order(self):
        return sorted(self.revs.values(), key=lambda r: r.fileno)

    def describe(self, indent="  "):
        lines = []
        for r in self.file_order():
            lines.append(
                "%s%04d %s  down_revision: %-27s depends_on: %-14s labels: %s"
                % (indent, r.fileno, r.id,
                   ", ".join(r.down) or "-",
                   ", ".join(r.deps) or "-",
                   ", ".join(r.labels) or "-"))
        return "\n".join(lines)


def gen_ids(rng, n):
    ids = set()
    out = []
    while len(out) < n:
        if out and rng.random() < 0.25:
            # share a 4..9 character prefix with an existing id
            base = rng.choice(out)
            k = rng.randint(4, 9)
            rid = base[:k] + "".join(rng.choice(HEX) for _ in range(12 - k))
        else:
            rid = "".join(rng.choice(HEX) for _ in range(12))
        # Every id gets at least one letter so no id looks like a number.
        if rid in ids or rid.isdigit():
            continue
        ids.add(rid)
        out.append(rid)
    rng.shuffle(out)
    return out


def gen_graph(rng):
    n = rng.randint(4, 14)
    nroots = min(rng.choice([1, 1, 1, 2, 2, 3]), max(1, n // 3))
    ids = gen_ids(rng, n)
    root_at = {0} | set(rng.sample(range(1, n), nroots - 1))
    revs = []
    g_revs = {}
    words = LABEL_WORDS[:]
    rng.shuffle(words)

    def anc(rid):
        out, todo = set(), [rid]
        while todo:
            x = todo.pop()
            if x in out:
                continue
            out.add(x)
            r = g_revs[x]
            todo.extend(r.down)
            todo.extend(label_rev.get(d, d) for d in r.deps)
        return out

    label_rev = {}
    for i, rid in enumerate(ids):
        existing = [r.id for r in revs]
        heads = [x for x in existing
                 if not any(x in r.down for r in revs)]
        down = ()
        if i not in root_at:
            roll = rng.random()
            if roll < 0.22 and len(existing) >= 2:
                k = 3 if rng.random() < 0.15 else 2
                pool = heads if len(heads) >= k and rng.random() < 0.7 else existing
                cand = pool[:]
                rng.shuffle(cand)
                chosen = []
                for c in cand:
                    if all(c not in anc(o) and o not in anc(c) for o in chosen):
                        chosen.append(c)
                    if len(chosen) == k:
                        break
                if len(chosen) >= 2:
                    down = tuple(chosen)
            if not down:
                if roll < 0.45:
                    down = (rng.choice(existing),)      # maybe a branch point
                else:
                    # extend a head, preferring the newest one
                    down = (heads[-1] if rng.random() < 0.6 else rng.choice(heads),)
        below = set()
        for d in down:
            below |= anc(d)
        deps = []
        if existing and rng.random() < 0.18:
            # Another lineage: not below the new revision's parents, and not
            # above one of them either (Alembic 1.8.1 crashes with a KeyError
            # on upgrades through a parent that a dependency already implies).
            def fits(x):
                return (x not in below and not any(p in anc(x) for p in down)
                        and all(x not in anc(d) and d not in anc(x)
                                for d in (label_rev.get(e, e) for e in deps)))
            cand = [x for x in existing if fits(x)]
            if cand:
                labelled = [l for l, x in sorted(label_rev.items()) if x in cand]
                if labelled and rng.random() < 0.3:
                    deps.append(rng.choice(labelled))
                else:
                    deps.append(rng.choice(cand))
                if rng.random() < 0.15:
                    more = [x for x in cand if fits(x)]
                    if more:
                        deps.append(rng.choice(more))
        labels = ()
        if rng.random() < 0.18 and words:
            labels = (words.pop(),)
        r = Rev(rid, down, deps, labels)
        revs.append(r)
        g_revs[rid] = r
        for l in labels:
            label_rev[l] = rid
    # File numbers: creation (topological) order, sometimes shuffled.
    order = list(range(len(revs)))
    if rng.random() < 0.3:
        rng.shuffle(order)
    for num, idx in enumerate(order, start=1):
        revs[idx].fileno = num
    return Graph(revs)


# --------------------------------------------------------------------------
# Writing the two projects


def py_literal(values, single_as_str=True):
    if not values:
        return "None"
    if len(values) == 1 and single_as_str:
        return repr(values[0])
    return "(" + ", ".join(repr(v) for v in values) + ("," if len(values) == 1 else "") + ")"


def write_projects(g, root, backend):
    adir = os.path.join(root, "migrations")   # not "alembic": `python3 -m alembic` run
                                              # in root would import it as a package
    vdir = os.path.join(adir, "versions")
    sdir = os.path.join(root, "sql")
    os.makedirs(vdir)
    os.makedirs(sdir)
    ini = os.path.join(root, "alembic.ini")
    with open(ini, "w") as f:
        f.write("[alembic]\nscript_location = %s\ndb_url = %s\n"
                % (adir, backend.alembic_url(backend.db_for(root, "default"))))
    with open(os.path.join(adir, "env.py"), "w") as f:
        f.write(ENV_PY)
    for r in g.file_order():
        stem = "%04d_%s" % (r.fileno, r.id)
        with open(os.path.join(vdir, stem + ".py"), "w") as f:
            f.write(
                '"""rev %s\n\nRevision ID: %s\nRevises: %s\n"""\n'
                "from alembic import op\n\n"
                "revision = %r\n"
                "down_revision = %s\n"
                "branch_labels = %s\n"
                "depends_on = %s\n\n\n"
                "def upgrade():\n"
                '    op.execute("CREATE TABLE m_%s (%s)")\n\n\n'
                "def downgrade():\n"
                '    op.execute("DROP TABLE m_%s")\n'
                % (r.id, r.id, ", ".join(r.down), r.id,
                   py_literal(r.down), py_literal(r.labels, False),
                   py_literal(r.deps), r.id, backend.column, r.id))
        header = "-- revision: %s\n-- down_revision:%s\n" % (
            r.id, (" " + ", ".join(r.down)) if r.down else "")
        if r.labels:
            header += "-- branch_labels: %s\n" % ", ".join(r.labels)
        if r.deps:
            header += "-- depends_on: %s\n" % ", ".join(r.deps)
        header += "-- message: rev %s\n\n" % r.id
        with open(os.path.join(sdir, stem + ".up.sql"), "w") as f:
            f.write(header + "CREATE TABLE m_%s (%s);\n" % (r.id, backend.column))
        with open(os.path.join(sdir, stem + ".down.sql"), "w") as f:
            f.write(header + "DROP TABLE m_%s;\n" % r.id)
    return ini, sdir


def validate_with_alembic(g, ini):
    """Load the project with Alembic in this process; raise if it fails to load
    or if Alembic's graph is not the one this script thinks it wrote."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    import alembic.script.base as sb
    import warnings
    saved = sb.Script._list_py_dir
    try:
        exec(SORT_PATCH, {})
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            sd = ScriptDirectory.from_config(Config(ini))
            rm = sd.revision_map
            heads = set(rm.heads)
            got = [r.revision for r in sd.walk_revisions()]
            if set(got) != set(g.revs):
                raise HarnessError("alembic loaded %s" % sorted(got))
            for rid in g.revs:
                a = {r.revision for r in rm._get_ancestor_nodes([rm.get_revision(rid)])}
                if a != set(g.ancestors(rid)):
                    raise HarnessError("ancestor mismatch for %s: alembic %s, model %s"
                                       % (rid, sorted(a), sorted(g.ancestors(rid))))
            mine = {x for x in g.revs if not g.children[x]}
            if heads != mine:
                raise HarnessError("heads mismatch: alembic %s, model %s"
                                   % (sorted(heads), sorted(mine)))
    finally:
        sb.Script._list_py_dir = saved


# --------------------------------------------------------------------------
# Targets and commands


def adjust(table, factors):
    return [(k, w * factors.get(k, 1)) for k, w in table]


def weighted(rng, table):
    total = sum(w for _, w in table)
    x = rng.random() * total
    for item, w in table:
        x -= w
        if x < 0:
            return item
    return table[-1][0]


UPGRADE_W = [
    ("id", 20), ("prefix", 8), ("ambig", 2), ("head", 6), ("heads", 14),
    ("base", 1), ("+N", 10), ("-N", 1), ("REV+N", 5), ("REV-N", 3),
    ("head-1", 2), ("heads-1", 0.5), ("base+N", 1),
    ("L@head", 5), ("L@heads", 4), ("L@base", 1), ("L@REV", 3), ("L@+1", 3),
    ("L@-1", 1), ("L", 2), ("REV@REV", 2), ("REV@+N", 2), ("unknown", 1),
]
DOWNGRADE_W = [
    ("id", 18), ("prefix", 6), ("ambig", 1), ("head", 1), ("heads", 1),
    ("base", 8), ("-N", 14), ("+N", 1), ("REV-N", 4), ("REV+N", 2),
    ("head-1", 3), ("L@base", 6), ("L@-1", 5), ("L@+1", 0.5), ("L@REV", 3),
    ("L@head", 1), ("L", 1), ("REV@REV", 3), ("REV@-N", 4), ("unknown", 1),
]
STAMP_W = [
    ("id", 22), ("prefix", 4), ("ambig", 0.5), ("heads", 6), ("head", 3),
    ("base", 4), ("L@head", 2), ("L@base", 1), ("L", 1), ("REV@REV", 1),
    ("unknown", 0.5), ("-N", 0.5), ("+N", 0.5),
]


class TargetMaker:
    def __init__(self, g, rng):
        self.g = g
        self.rng = rng
        ids = sorted(g.revs)
        self.groups = []   # ambiguous prefixes (>= 4 chars)
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                k = 0
                while k < 12 and ids[i][k] == ids[j][k]:
                    k += 1
                if k >= 4:
                    self.groups.append(ids[i][:k])
        self.labels = sorted(g.label_rev)
        self._down = False

    def unique_prefix(self, rid):
        others = [x for x in self.g.revs if x != rid]
        k = 4
        while any(o.startswith(rid[:k]) for o in others):
            k += 1
        return rid[:self.rng.randint(k, 11)] if k < 12 else rid

    def rev_ref(self, rid):
        return rid if self.rng.random() < 0.7 else self.unique_prefix(rid)

    def pick_rev(self, prefer=None):
        if prefer and self.rng.random() < 0.75:
            return self.rng.choice(sorted(prefer))
        return self.rng.choice(self.g.created)

    def n(self):
        return weighted(self.rng, [(1, 6), (2, 3), (3, 1)])

    def make(self, kind, applied):
        rng, g = self.rng, self.g
        if kind in ("ambig",) and not self.groups:
            kind = "prefix"
        if kind.startswith("L") and not self.labels:
            kind = "id"
        label = rng.choice(self.labels) if self.labels else None
        if kind == "id":
            return self.pick_rev(applied if self._down else None)
        if kind == "prefix":
            return self.unique_prefix(self.pick_rev(applied if self._down else None))
        if kind == "ambig":
            p = rng.choice(self.groups)
            return p[:rng.randint(4, len(p))]
        if kind in ("head", "heads", "base"):
            return kind
        if kind == "+N":
            return "+%d" % self.n()
        if kind == "-N":
            return "-%d" % self.n()
        if kind in ("REV+N", "REV-N"):
            up = kind == "REV+N"
            n = self.n()
            rid = self.pick_rev(applied)
            if rng.random() < 0.7:
                # mostly a walk that stays on a single-parent, single-child chain
                ok = [x for x in sorted(applied or g.revs) if g.walk(x, n, up)]
                if ok:
                    rid = rng.choice(ok)
            return "%s%s%d" % (self.rev_ref(rid), "+" if up else "-", n)
        if kind in ("head-1", "heads-1"):
            return kind
        if kind == "base+N":
            return "base+%d" % self.n()
        if kind == "L@head":
            return label + "@head"
        if kind == "L@heads":
            return label + "@heads"
        if kind == "L@base":
            return label + "@base"
        if kind == "L@+1":
            return label + "@+1"
        if kind == "L@-1":
            return label + "@-1"
        if kind == "L":
            return label
        if kind == "L@REV":
            lr = g.label_rev[label]
            lineage = g.down_ancestors(lr) | g.down_descendants(lr)
            rid = self.pick_rev(lineage)
            return "%s@%s" % (label, self.rev_ref(rid))
        if kind == "REV@REV":
            left = self.pick_rev()
            lineage = g.down_ancestors(left) | g.down_descendants(left)
            right = self.pick_rev(lineage)
            return "%s@%s" % (self.rev_ref(left), self.rev_ref(right))
        if kind in ("REV@+N", "REV@-N"):
            # the branch holding REV (a current row, mostly), walked from its head
            rid = self.pick_rev(applied and g.current_of(applied))
            return "%s@%s%d" % (self.rev_ref(rid), kind[4], self.n())
        if kind == "unknown":
            while True:
                x = "".join(rng.choice(HEX) for _ in range(12))
                if not any(x.startswith(r[:4]) or r.startswith(x[:4]) for r in g.revs):
                    return x
        raise AssertionError(kind)

    def command(self, rows, markers):
        """(argv, kind) of the next command; (None, "reset") asks for fresh DBs."""
        rng, g = self.rng, self.g
        applied = g.closure(rows)
        if markers != applied and rng.random() < 0.35:
            # A stamp left the version table out of step with the migrations
            # that ran; put it back so later upgrades do not all fail on
            # existing tables.
            if g.closure(markers) == markers:
                return ["stamp", "--purge"] + (sorted(g.tops(markers)) or ["base"]), "resync"
            return None, "reset"
        cmd = weighted(rng, [("upgrade", 47), ("downgrade", 37), ("stamp", 16)])
        if not rows and cmd == "downgrade" and rng.random() < 0.7:
            cmd = "upgrade"
        self._down = cmd == "downgrade"
        factors = {}
        if len(g.heads()) > 1:
            factors.update({"head": 0.25, "head-1": 0.25})
        if len(rows) > 1:
            factors.update({"+N": 0.3, "-N": 0.5})
        if cmd == "upgrade":
            kind = weighted(rng, adjust(UPGRADE_W, factors))
            return ["upgrade", self.make(kind, applied)], kind
        if cmd == "downgrade":
            kind = weighted(rng, adjust(DOWNGRADE_W, factors))
            return ["downgrade", self.make(kind, applied)], kind
        args = ["stamp"]
        if rng.random() < 0.15:
            args.append("--purge")
        roll = rng.random()
        if roll < 0.03:
            rid = self.pick_rev()
            return args + [rid, rid], "stamp-dup"
        if roll < 0.07:
            top = self.pick_rev()
            below = sorted(g.ancestors(top) - {top})
            if below:
                pair = [rng.choice(below), top]
                rng.shuffle(pair)
                return args + pair, "stamp-overlap"
        if roll < 0.20:
            # two unrelated targets, e.g. heads of two lineages
            a = self.pick_rev()
            rel = g.ancestors(a) | g.down_descendants(a)
            others = [x for x in g.created if x not in rel
                      and a not in g.ancestors(x)]
            if others:
                return args + [a, rng.choice(others)], "stamp-2"
        self._down = False
        kind = weighted(rng, STAMP_W)
        return args + [self.make(kind, applied)], "stamp-" + kind


# --------------------------------------------------------------------------
# Running the tools


class Result:
    def __init__(self, code, out, err, timed_out=False, secs=0.0):
        self.code, self.out, self.err = code, out, err
        self.timed_out = timed_out
        self.secs = secs

    def brief(self):
        if self.timed_out:
            return "TIMEOUT"
        if self.code == 0:
            return "ok"
        msg = failed_line(self.out) or exception_line(self.err) or error_line(self.err)
        return "exit %d: %s" % (self.code, msg)

    def dump(self, indent="    "):
        s = "%sexit %s%s\n" % (indent, self.code, " (timed out)" if self.timed_out else "")
        for name, text in (("stdout", self.out), ("stderr", self.err)):
            lines = text.rstrip("\n").splitlines()
            if len(lines) > 30:
                lines = ["... (%d lines left out)" % (len(lines) - 20)] + lines[-20:]
            text = "\n".join(lines)
            if text:
                s += "%s%s:\n%s\n" % (indent, name, textwrap.indent(text, indent + "  "))
        return s


def failed_line(text):
    for line in text.splitlines():
        if line.strip().startswith("FAILED:"):
            return line.strip()
    return ""


def error_line(text):
    """The first line that mentions an error, else the last line."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for line in lines:
        if "error" in line.lower():
            return line
    return lines[-1] if lines else ""


def first_line(text):
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[0].strip() if lines else ""


def exception_line(text):
    """The `Type: message` line of the last Python traceback in text."""
    if "Traceback (most recent call last)" not in text:
        return ""
    for line in reversed(text.splitlines()):
        if re.match(r"[A-Za-z_][\w.]*(: |$)", line):
            return line.strip()
    return ""


class Alembic:
    """Starts one Alembic command; `wait()` returns its Result."""

    def __init__(self, mode, ini, url, args, scratch):
        self.t0 = time.monotonic()
        self.argv = ["-c", ini, "-x", "db=" + url] + list(args)
        self.mode = mode
        if mode == "subprocess":
            self.proc = subprocess.Popen(
                [sys.executable, "-c", SUBPROCESS_BOOT] + self.argv,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, cwd=scratch,
                start_new_session=True)
            return
        self.outp = os.path.join(scratch, "alembic.stdout")
        self.errp = os.path.join(scratch, "alembic.stderr")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self._child(scratch)
        self.pid = pid

    def _child(self, scratch):
        code = 1
        try:
            os.setsid()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            fd0 = os.open(os.devnull, os.O_RDONLY)
            fd1 = os.open(self.outp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            fd2 = os.open(self.errp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd0, 0)
            os.dup2(fd1, 1)
            os.dup2(fd2, 2)
            os.chdir(scratch)
            # sys.stdout and sys.stderr now write to the files. They stay the
            # same objects on purpose: alembic.config.Config took sys.stdout as
            # a default argument when it was imported.
            sys.argv = ["alembic"] + self.argv
            exec(SORT_PATCH, {})
            from alembic.config import main
            try:
                main(argv=self.argv, prog="alembic")
                code = 0
            except SystemExit as e:
                if e.code is None:
                    code = 0
                elif isinstance(e.code, int):
                    code = e.code & 0xFF
                else:
                    sys.stderr.write("%s\n" % e.code)
                    code = 1
            except BaseException:
                traceback.print_exc()
                code = 1
        finally:
            try:
                for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
                    if stream is not None:
                        stream.flush()
            finally:
                os._exit(code)

    def wait(self):
        if self.mode == "subprocess":
            try:
                out, err = self.proc.communicate(timeout=TIMEOUT)
                return Result(self.proc.returncode, out, err,
                              secs=time.monotonic() - self.t0)
            except subprocess.TimeoutExpired:
                kill_group(self.proc.pid)
                out, err = self.proc.communicate()
                return Result(-9, out, err, True, time.monotonic() - self.t0)
        timed_out = False
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - self.t0 > TIMEOUT:
                kill_group(self.pid)
                _, status, usage = os.wait4(self.pid, 0)
                timed_out = True
                break
            time.sleep(0.002)
        code = os.waitstatus_to_exitcode(status)
        res = Result(code, read(self.outp), read(self.errp), timed_out,
                     time.monotonic() - self.t0)
        res.cpu = usage.ru_utime + usage.ru_stime
        return res


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


class Runner:
    def __init__(self, exe, url, sqldir, args, scratch):
        self.t0 = time.monotonic()
        self.argv = [exe, "--db", url, "--dir", sqldir] + list(args)
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, errors="replace",
                cwd=scratch, start_new_session=True)
            self.error = None
        except OSError as e:
            self.proc, self.error = None, str(e)

    def wait(self):
        if self.proc is None:
            return Result(127, "", "cannot start runner: %s\n" % self.error)
        try:
            out, err = self.proc.communicate(timeout=TIMEOUT)
            return Result(self.proc.returncode, out, err,
                          secs=time.monotonic() - self.t0)
        except subprocess.TimeoutExpired:
            kill_group(self.proc.pid)
            out, err = self.proc.communicate()
            return Result(-9, out, err, True, time.monotonic() - self.t0)


# --------------------------------------------------------------------------
# Databases: SQLite files or databases of one throwaway PostgreSQL cluster


class SqliteBackend:
    """Each database is a SQLite file in the graph's project directory; it appears when a
    tool first opens it, and an absent file reads as an empty database."""

    name = "sqlite"
    column = "x"   # CREATE TABLE m_<rev> (x): SQLite needs no type
    row_order = ("the lowest rowid (the oldest row still present; an UPDATE keeps a row's "
                 "place)")

    def start(self, ctx):
        return 0

    def stop(self):
        pass

    def db_for(self, proj, name):
        return os.path.join(proj, name + ".db")

    def create(self, db):
        pass

    def alembic_url(self, db):
        return "sqlite:///" + db

    def runner_url(self, db):
        return db

    def tables(self, db):
        if not os.path.exists(db):
            return set()
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        try:
            return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()

    def version_rows(self, db, table):
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        try:
            return [r[0] for r in con.execute("SELECT version_num FROM %s" % table)]
        finally:
            con.close()

    def set_version_rows(self, db, table, rows):
        con = sqlite3.connect(db)
        try:
            con.execute("DELETE FROM %s" % table)
            con.executemany("INSERT INTO %s (version_num) VALUES (?)" % table,
                            [(x,) for x in rows])
            con.commit()
        finally:
            con.close()

    def copy(self, src, dst):
        """dst becomes a copy of src; False if src does not exist."""
        if not os.path.exists(src):
            return False
        shutil.copyfile(src, dst)
        return True

    def drop(self, db):
        if os.path.exists(db):
            os.remove(db)


class PostgresBackend:
    """One throwaway cluster for the whole run (scripts/pg-test-cluster start DIR), stopped at
    the end, also on an exception, SIGINT, SIGTERM or SIGHUP (try/finally and atexit). Each
    database is a database of that cluster, made with CREATE DATABASE; the script reads it with
    psycopg2, Alembic connects through psycopg2, the runner through libpq."""

    name = "postgres"
    column = "x integer"   # PostgreSQL needs a column type
    row_order = ("the physical order of the rows (an UPDATE writes the new row after the "
                 "others, so an updated row moves to the end)")

    def __init__(self, script, keep):
        self.script = script
        self.keep = keep
        self.root = self.dir = None
        self.owner = None
        self.conns = {}

    def start(self, ctx):
        """0 when the cluster runs; 77 when no server can be installed; else 1 or 2."""
        try:
            global psycopg2
            import psycopg2
        except ImportError as e:
            print("alembic-compat: --backend postgres needs psycopg2 (Debian python3-psycopg2, "
                  "scripts/deps test): %s" % e, file=sys.stderr)
            return 2
        if not os.access(self.script, os.X_OK):
            print("alembic-compat: %s is not an executable file" % self.script, file=sys.stderr)
            return 2
        self.owner = os.getpid()
        atexit.register(self.stop)
        if self.keep:
            self.dir = os.path.join(self.keep, "pg-cluster")
        else:
            # The server may run as another user (runner-pg, when we are root): it must reach
            # DIR, so DIR's parent is open to others (mkdtemp makes it 0700).
            self.root = tempfile.mkdtemp(prefix="alembic_compat_pg_")
            os.chmod(self.root, 0o755)
            self.dir = os.path.join(self.root, "c")
        res = subprocess.run([self.script, "start", self.dir], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if res.returncode != 0:
            print("alembic-compat: %s start %s: exit %d\n%s"
                  % (self.script, self.dir, res.returncode, res.stderr.rstrip()),
                  file=sys.stderr)
            return 77 if res.returncode == 77 else 1
        settings = {}
        for line in res.stdout.splitlines():
            key, _, value = line.partition("=")
            settings[key] = shlex.split(value)[0] if value else ""
        self.host, self.port, self.user = settings["PGHOST"], settings["PGPORT"], settings["PGUSER"]
        # Nothing from the caller's environment may steer either tool to another server.
        for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGPASSFILE",
                     "PGSERVICE", "PGSERVICEFILE", "PGOPTIONS", "DATABASE_URL"):
            os.environ.pop(name, None)
        if self.keep:
            print("alembic-compat: PostgreSQL cluster in %s; it is left running, stop it with "
                  "`%s stop %s`" % (self.dir, self.script, self.dir), flush=True)
        return 0

    def stop(self):
        if self.dir is None or os.getpid() != self.owner:
            return
        for db in list(self.conns):
            self._release(db)
        if not self.keep:
            subprocess.run([self.script, "stop", self.dir], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self.root:
                shutil.rmtree(self.root, ignore_errors=True)
        self.dir = None

    def _conn(self, db):
        con = self.conns.get(db)
        if con is None or con.closed:
            con = psycopg2.connect(host=self.host, port=self.port, user=self.user, dbname=db)
            con.autocommit = True
            self.conns[db] = con
        return con

    def _release(self, db):
        con = self.conns.pop(db, None)
        if con is not None:
            con.close()

    def _admin(self, sql):
        with self._conn("postgres").cursor() as cur:
            cur.execute(sql)

    def db_for(self, proj, name):
        return name

    def create(self, db):
        self.drop(db)
        self._admin('CREATE DATABASE "%s"' % db)

    def alembic_url(self, db):
        return ("postgresql+psycopg2://%s@/%s?host=%s&port=%s"
                % (self.user, db, self.host, self.port))

    def runner_url(self, db):
        return "postgresql://%s@/%s?host=%s&port=%s" % (self.user, db, self.host, self.port)

    def tables(self, db):
        with self._conn(db).cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables "
                        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
            return {r[0] for r in cur.fetchall()}

    def version_rows(self, db, table):
        # The statement Alembic runs: no ORDER BY, so the rows come in physical order.
        with self._conn(db).cursor() as cur:
            cur.execute("SELECT version_num FROM %s" % table)
            return [r[0] for r in cur.fetchall()]

    def set_version_rows(self, db, table, rows):
        with self._conn(db).cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("DELETE FROM %s" % table)
            for x in rows:   # one by one: each new row goes after the ones before it
                cur.execute("INSERT INTO %s (version_num) VALUES (%%s)" % table, (x,))
            cur.execute("COMMIT")
        self._release(db)

    def copy(self, src, dst):
        # CREATE DATABASE ... TEMPLATE needs src without other sessions (it waits up to 5 s
        # for the tools' server processes to end).
        self._release(src)
        self.drop(dst)
        self._admin('CREATE DATABASE "%s" TEMPLATE "%s"' % (dst, src))
        return True

    def drop(self, db):
        self._release(db)
        self._admin('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % db)


def read_db(backend, db, version_rows):
    """(version rows in SELECT order, marker tables) of a database; empty if it is absent."""
    names = backend.tables(db)
    markers = {n[2:] for n in names if n.startswith("m_")}
    rows = []
    if version_rows and "alembic_version" in names:
        rows = backend.version_rows(db, "alembic_version")
    return rows, markers


def current_ids(text):
    return [line.split()[0] for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------
# One graph


class Step:
    def __init__(self, args, kind, rows_before, pre_db):
        self.args, self.kind = args, kind
        self.rows_before = rows_before   # Alembic's version rows, in SELECT order
        self.pre_db = pre_db             # copy of Alembic's database before the step
        self.a = self.r = self.ac = self.rc = None
        self.r_cur = self.a_cur = None
        self.why = ""
        self.extra = []

    def text(self):
        return " ".join(self.args)


class Stats:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.known = []        # (tag, description)
        self.kinds = {}        # kind -> [count, alembic successes]
        self.alembic_secs = 0.0
        self.alembic_calls = 0
        self.runner_secs = 0.0
        self.notes = []
        self.graphs = 0
        self.regenerated = 0
        self.resets = 0
        self.sql_errors = 0


class GraphRun:
    def __init__(self, ctx, gi):
        self.ctx = ctx
        self.gi = gi
        self.rng = random.Random("%d/%d" % (ctx.seed, gi))
        self.stats = ctx.stats
        self.backend = ctx.backend
        self.dbs = []   # every database this graph made, dropped at the end unless --keep

    def setup(self):
        ctx = self.ctx
        if ctx.keep:
            self.root = os.path.join(ctx.keep, "graph_%03d" % self.gi)
            if os.path.exists(self.root):
                shutil.rmtree(self.root)
            os.makedirs(self.root)
        else:
            self.root = tempfile.mkdtemp(prefix="g%03d_" % self.gi, dir=ctx.tmp)
        last = None
        for attempt in range(20):
            g = gen_graph(self.rng)
            proj = os.path.join(self.root, "p%d" % attempt)
            ini, sqldir = write_projects(g, proj, self.backend)
            try:
                validate_with_alembic(g, ini)
            except HarnessError:
                raise
            except Exception as e:   # Alembic refused the graph: make another
                last = "%s: %s" % (type(e).__name__, e)
                self.stats.regenerated += 1
                if ctx.verbose:
                    print("  graph %d attempt %d rejected by alembic: %s\n%s"
                          % (self.gi, attempt, last, g.describe("    ")))
                shutil.rmtree(proj)
                continue
            self.g, self.ini, self.sqldir, self.proj = g, ini, sqldir, proj
            self.targets = TargetMaker(g, self.rng)
            return
        raise HarnessError("could not generate a graph Alembic accepts: %s" % last)

    def new_db(self, name):
        db = self.backend.db_for(self.proj, "g%03d_%s" % (self.gi, name))
        if db not in self.dbs:
            self.dbs.append(db)
        return db

    def drop_dbs(self, keep=()):
        for db in [x for x in self.dbs if x not in keep]:
            self.backend.drop(db)
            self.dbs.remove(db)

    def fresh_dbs(self):
        if not self.ctx.keep:
            self.drop_dbs()
        self.dbgen = getattr(self, "dbgen", 0) + 1
        self.adb = self.new_db("alembic_%d" % self.dbgen)
        self.rdb = self.new_db("runner_%d" % self.dbgen)
        self.backend.create(self.adb)
        self.backend.create(self.rdb)
        self.history = []
        self.rows = []
        self.markers = set()

    def both(self, args):
        a = self.alembic(self.adb, args)
        r = self.runner(args)
        rres = r.wait()
        ares = a.wait()
        self.stats.alembic_secs += getattr(ares, "cpu", ares.secs)
        self.stats.alembic_calls += 1
        self.stats.runner_secs += rres.secs
        return ares, rres

    def alembic(self, db, args):
        return Alembic(self.ctx.alembic_exec, self.ini, self.backend.alembic_url(db), args,
                       self.proj)

    def runner(self, args):
        return Runner(self.ctx.runner, self.backend.runner_url(self.rdb), self.sqldir, args,
                      self.proj)

    def run(self):
        self.setup()
        self.fresh_dbs()
        ctx, g = self.ctx, self.g
        if ctx.verbose:
            print("graph %d (%d revisions, heads %s)\n%s"
                  % (self.gi, len(g.revs), ", ".join(g.heads()), g.describe("  ")))
        for n in range(ctx.steps):
            if ctx.over_budget():
                ctx.budget_hit = True
                break
            args, kind = self.targets.command(self.rows, self.markers)
            if args is None:
                self.stats.resets += 1
                self.fresh_dbs()
                if ctx.verbose:
                    print("  (version table and marker tables out of step: fresh databases)")
                continue
            # Only the row-order probe uses the copy, and only from several rows.
            pre = None
            if len(self.rows) >= 2:
                pre = self.new_db("alembic_%d_pre" % self.dbgen)
                if not self.backend.copy(self.adb, pre):
                    pre = None
            step = Step(args, kind, list(self.rows), pre)
            step.markers_before = set(self.markers)
            self.history.append(step)
            verdict = self.step(step)
            if verdict == "fail":
                verdict = self.explain(step)
            k = self.stats.kinds.setdefault(kind, [0, 0])
            k[0] += 1
            k[1] += step.a.code == 0
            if ctx.verbose:
                print("  %-34s %-14s alembic %-40s runner %s"
                      % (step.text(), "[%s]" % kind, clip(step.a.brief(), 40),
                         clip(step.r.brief(), 60)))
            if verdict == "fail":
                self.report(step)
                self.stats.failed += 1
                return False
            self.stats.passed += 1
            if verdict == "reset":
                self.fresh_dbs()
        return True

    # -- the comparison -----------------------------------------------------

    def step(self, step):
        g = self.g
        step.a, step.r = self.both(step.args)
        a, r = step.a, step.r
        if a.timed_out:
            return self.fail(step, "Alembic timed out")
        if r.timed_out:
            return self.fail(step, "runner timed out after %ds" % TIMEOUT)
        if r.code not in (0, 1):
            return self.fail(step, "runner exited %d; expected 0 or 1" % r.code)
        if a.code not in (0, 1, 255):
            return self.fail(step, "Alembic exited %d (argument error?): harness bug" % a.code)
        a_rows, a_markers = read_db(self.backend, self.adb, True)
        crash = a.code == 1
        sql_error = crash and "sqlalchemy.exc." in a.err
        if crash and not sql_error:
            exc = exception_line(a.err) or first_line(a.err)
            if r.code == 1:
                return self.known(step, "b", "Alembic crashed (%s); runner failed cleanly: %s"
                                  % (exc, error_line(r.err)))
            return self.fail(step, "Alembic crashed (%s) but runner succeeded; "
                                   "runner must fail with exit 1" % exc)
        if a.code == 0:
            bad = g.overlapping(a_rows)
            if bad:
                what = "Alembic left an inconsistent version table %s (%s is an ancestor of %s)" % (
                    sorted(a_rows), bad[0], bad[1])
                if r.code == 1 and "overlap" in r.err.lower():
                    return self.known(step, "a", what + "; runner refused: " + error_line(r.err))
                if r.code == 1:
                    return self.fail(step, what + "; runner failed, but its message does not "
                                     "mention 'overlap'")
                if step.args[0] == "stamp":
                    return self.fail(step, what + "; runner accepted it, expected exit 1 "
                                     "mentioning 'overlap'")
                # upgrade/downgrade: a minimal table with the same meaning is fine
                cmp = self.compare_state(step, a_rows, a_markers)
                if cmp:
                    return self.fail(step, what + "; runner succeeded and " + cmp)
                return self.known(step, "a", what + "; runner succeeded with the same "
                                  "current and applied sets")
        if (a.code == 0) != (r.code == 0):
            return self.fail(step, "Alembic %s, runner %s" % (
                "succeeded" if a.code == 0 else "failed",
                "succeeded" if r.code == 0 else "failed"))
        cmp = self.compare_state(step, a_rows, a_markers)
        if cmp:
            if sql_error and self.ctx.order_lenient:
                return self.known(step, "c", "migration SQL error halfway through the plan "
                                  "and the states differ (%s)" % cmp)
            if sql_error:
                cmp += (" (a migration failed with an SQL error halfway through the plan, "
                        "so the difference may only be the order of the steps; "
                        "--order-lenient lists this as a known difference)")
            return self.fail(step, cmp)
        if sql_error:
            self.stats.sql_errors += 1
        self.rows, self.markers = a_rows, a_markers
        return "pass"

    def compare_state(self, step, a_rows, a_markers):
        """Run `current` on both, compare; return a problem description or ''."""
        g = self.g
        step.ac, step.rc = self.both(["current"])
        ac, rc = step.ac, step.rc
        _, r_markers = read_db(self.backend, self.rdb, False)
        step.r_markers = r_markers
        if ac.code != 0:
            if rc.code == 0:
                return "Alembic `current` failed but runner `current` succeeded"
            return ""
        if rc.code != 0:
            return "runner `current` failed (exit %d)" % rc.code
        a_cur = current_ids(ac.out)
        r_cur = current_ids(rc.out)
        step.a_cur, step.r_cur = a_cur, r_cur
        unknown = [x for x in r_cur if x not in g.revs]
        if unknown:
            return "runner `current` printed unknown ids %s" % unknown
        if len(set(r_cur)) != len(r_cur):
            return "runner `current` printed an id twice"
        model = g.current_of(a_rows)
        if set(a_cur) != model:
            self.stats.notes.append(
                "graph %d: Alembic current %s differs from this script's model %s after `%s`"
                % (self.gi, sorted(a_cur), sorted(model), step.text()))
        problems = []
        if set(a_cur) != set(r_cur):
            problems.append("current differs: alembic %s, runner %s"
                            % (sorted(a_cur), sorted(r_cur)))
        a_app, r_app = g.closure(a_rows), g.closure(r_cur)
        if a_app != r_app:
            problems.append("applied sets differ: only alembic %s, only runner %s"
                            % (sorted(a_app - r_app), sorted(r_app - a_app)))
        if a_markers != r_markers:
            problems.append("marker tables differ: only alembic %s, only runner %s"
                            % (sorted(a_markers - r_markers), sorted(r_markers - a_markers)))
        return "; ".join(problems)

    def known(self, step, tag, what):
        self.stats.known.append((tag, "graph %d, `%s`: %s" % (self.gi, step.text(), what)))
        return "reset"

    def fail(self, step, why):
        step.why = why
        return "fail"

    def runner_state(self, step):
        """(current ids, marker tables) of the runner's database after the step,
        or None if its `current` failed or printed ids not in the graph."""
        if step.rc is None:
            step.rc = self.runner(["current"]).wait()
            _, step.r_markers = read_db(self.backend, self.rdb, False)
            if step.rc.code == 0:
                step.r_cur = current_ids(step.rc.out)
        if step.rc.code != 0 or step.r_cur is None or any(x not in self.g.revs for x in step.r_cur):
            return None
        return set(step.r_cur), set(step.r_markers)

    def explain(self, step):
        """A disagreement: is it one of the known differences (a), (d), (e), (f)?"""
        g, a, r = self.g, step.a, step.r
        if a.timed_out or r.timed_out or r.code not in (0, 1):
            return "fail"
        a_rows, _ = read_db(self.backend, self.adb, True)
        before = (g.current_of(step.rows_before), step.markers_before)
        if (step.args[0] == "stamp" and a.code == 0 and r.code == 1
                and len(set(step.args[1:])) < len(step.args[1:])):
            return self.known(step, "a", "duplicate stamp targets: Alembic accepted them, "
                              "runner refused: " + error_line(r.err))
        if a.code == 255 and r.code == 1 and set(a_rows) != set(step.rows_before):
            if self.runner_state(step) == before:
                return self.known(step, "e", "Alembic failed (%s) but still changed its version "
                                  "table from %s to %s; runner failed and changed nothing"
                                  % (failed_line(a.out), step.rows_before, a_rows))
        if (step.args[0] == "downgrade" and re.fullmatch(r"-\d+", step.args[1])
                and len(set(step.rows_before)) > 1 and r.code == 1
                and "ambiguous" in r.err.lower() and self.runner_state(step) == before):
            what = ("runner refuses `%s` from several heads %s (Alembic 1.8.1 walks down from "
                    "its first row and warns that this usage will be disallowed): %s"
                    % (step.text(), step.rows_before, error_line(r.err)))
            if self.ctx.strict_row_order:
                step.extra.append(what + "; a failure under --strict-row-order")
                return "fail"
            return self.known(step, "f", what)
        return self.probe_row_order(step)

    def probe_row_order(self, step):
        """Alembic's version rows have an order (the backend's row_order), and some
        commands depend on it: `downgrade -1` with several rows walks down from
        the first. Alembic 1.8.1 sets that order partly by Python set iteration
        (merge and unmerge steps), so it changes with PYTHONHASHSEED. Re-run the
        command from the pre-step database with the rows in every order; if the
        outcomes differ and one of them is the runner's, call it difference (d)."""
        g, rows = self.g, step.rows_before
        if len(rows) < 2 or step.pre_db is None or self.runner_state(step) is None:
            return "fail"
        r_sig = (step.r.code == 0, frozenset(step.r_cur), frozenset(step.r_markers))
        outcomes = {}
        probe = self.new_db("probe")
        for perm in itertools.islice(itertools.permutations(rows), 24):
            self.backend.copy(step.pre_db, probe)
            self.backend.set_version_rows(probe, "alembic_version", perm)
            res = self.alembic(probe, step.args).wait()
            p_rows, p_markers = read_db(self.backend, probe, True)
            if res.code == 0 and g.overlapping(p_rows):
                sig = ("inconsistent", tuple(p_rows))
            elif res.code == 1 and "sqlalchemy.exc." not in res.err:
                sig = ("crash",)
            else:
                sig = (res.code == 0, frozenset(g.current_of(p_rows)), frozenset(p_markers))
            outcomes.setdefault(sig, []).append(perm)
        self.backend.drop(probe)
        self.dbs.remove(probe)
        tried = sum(len(v) for v in outcomes.values())
        if len(outcomes) == 1:
            step.extra.append("row-order probe: Alembic gives this outcome for all %d orders "
                              "of the rows %s" % (tried, rows))
            return "fail"
        if r_sig not in outcomes:
            step.extra.append("row-order probe: Alembic's outcome depends on the order of the "
                              "rows %s (%d outcomes over %d orders), but none is the runner's"
                              % (rows, len(outcomes), tried))
            return "fail"
        firsts = sorted({p[0] for p in outcomes[r_sig]})
        what = ("Alembic's outcome depends on the order of its version rows %s, which 1.8.1 "
                "partly takes from Python set order; the runner matches Alembic when the "
                "first row is %s (%s)" % (rows, " or ".join(firsts), step.why))
        if self.ctx.strict_row_order:
            step.extra.append("row-order probe: " + what + "; a failure under --strict-row-order")
            return "fail"
        return self.known(step, "d", what)

    def report(self, step):
        ctx, g = self.ctx, self.g
        why = step.why
        out = []
        out.append("=" * 78)
        out.append("DISAGREEMENT: graph %d, command %d `%s`" % (self.gi, len(self.history), step.text()))
        out.append("  " + why)
        out.append("graph (file order; %d revisions):" % len(g.revs))
        out.append(g.describe("  "))
        out.append("commands on a fresh pair of databases:")
        for i, s in enumerate(self.history, 1):
            out.append("  %2d. %-34s alembic: %s" % (i, s.text(), clip(s.a.brief(), 100)))
            out.append("      %-34s runner:  %s" % ("", clip(s.r.brief(), 100)))
        for line in step.extra:
            out.append("  " + line)
        if (re.fullmatch(r"-\d+", step.args[-1]) and len(step.rows_before) > 1):
            out.append("hint: `%s` with several version rows %s: Alembic 1.8.1 walks down from "
                       "the first row its SELECT returns, i.e. %s, and warns that this is "
                       "ambiguous." % (step.text(), step.rows_before, self.backend.row_order))
        out.append("last command, alembic:")
        out.append(step.a.dump().rstrip("\n"))
        out.append("last command, runner:")
        out.append(step.r.dump().rstrip("\n"))
        a_rows, a_markers = read_db(self.backend, self.adb, True)
        _, r_markers = read_db(self.backend, self.rdb, False)
        a_cur = sorted(step.a_cur) if step.a_cur is not None else "(not run)"
        r_cur = sorted(step.r_cur) if step.r_cur is not None else "(not run)"
        out.append("Alembic's version rows before the last command, in SELECT order: %s"
                   % step.rows_before)
        out.append("state after it:")
        out.append("  alembic: rows %s; current %s; applied %s"
                   % (a_rows, a_cur, sorted(g.closure(a_rows))))
        out.append("  runner:  current %s; applied %s"
                   % (r_cur, sorted(g.closure(x for x in step.r_cur or () if x in g.revs))
                      if step.r_cur is not None else "?"))
        out.append("  marker tables: alembic %s" % sorted(a_markers))
        out.append("                 runner  %s" % sorted(r_markers))
        if step.ac is not None and step.ac.code != 0:
            out.append("  alembic current:\n" + step.ac.dump())
        if step.rc is not None and (step.rc.code != 0 or step.r_cur is None):
            out.append("  runner current:\n" + step.rc.dump())
        out.append("replay: %s --runner %s --seed %d --only-graph %d%s --keep DIR -v"
                   % (sys.argv[0], ctx.runner, ctx.seed, self.gi,
                      " --backend " + self.backend.name if self.backend.name != "sqlite" else ""))
        if ctx.keep:
            out.append("kept: %s (alembic: /usr/bin/python3 -m alembic -c %s -x db=%s ...; "
                       "runner: %s --db %s --dir %s ...)"
                       % (self.proj, self.ini, self.backend.alembic_url(self.adb), ctx.runner,
                          self.backend.runner_url(self.rdb), self.sqldir))
        out.append("=" * 78)
        print("\n".join(out), flush=True)

    def cleanup(self):
        if not self.ctx.keep:
            self.drop_dbs()
            if getattr(self, "root", None):
                shutil.rmtree(self.root, ignore_errors=True)


def clip(s, n):
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[:n - 3] + "..."


# --------------------------------------------------------------------------


class Context:
    pass


def reexec_if_needed():
    """Fix Python's hash seed, so that Alembic's set-order choices (which row a
    merge keeps) repeat from run to run, and use the interpreter that has
    Alembic 1.8.1."""
    python = sys.executable
    if importlib.util.find_spec("alembic") is None:
        if os.path.exists("/usr/bin/python3") and os.path.realpath(python) != os.path.realpath("/usr/bin/python3"):
            python = "/usr/bin/python3"
    if python != sys.executable or os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        sys.stdout.flush()
        os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def alembic_version():
    import alembic
    return alembic.__version__


def main(argv=None):
    reexec_if_needed()
    p = argparse.ArgumentParser(
        description="Compare runner with Alembic 1.8.1 on random revision graphs.")
    p.add_argument("--runner", required=True, help="path to the runner binary")
    p.add_argument("--seed", type=int, default=None, help="default: random, printed")
    p.add_argument("--graphs", type=int, default=80)
    p.add_argument("--steps", type=int, default=30, help="commands per graph")
    p.add_argument("--budget-seconds", type=float, default=170.0,
                   help="start no new command after this many seconds (default 170)")
    p.add_argument("--keep", metavar="DIR", help="keep projects and databases under DIR")
    p.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    p.add_argument("--only-graph", type=int, metavar="K", help="run only graph K of this seed")
    p.add_argument("--order-lenient", action="store_true",
                   help="list state differences after a halfway SQL error as known difference (c)")
    p.add_argument("--strict-row-order", action="store_true",
                   help="count known difference (d) (Alembic's row order decides) as a failure")
    p.add_argument("--alembic-exec", choices=["fork", "subprocess"], default="fork")
    p.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite",
                   help="SQLite files (default) or databases of a throwaway PostgreSQL cluster")
    p.add_argument("--pg-cluster", metavar="SCRIPT",
                   default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                        "scripts", "pg-test-cluster"),
                   help="scripts/pg-test-cluster, which starts and stops the cluster")
    p.add_argument("-v", "--verbose", action="store_true")
    opts = p.parse_args(argv)

    ctx = Context()
    ctx.runner = os.path.abspath(opts.runner)
    if not os.access(ctx.runner, os.X_OK):
        print("alembic-compat: runner %s is not an executable file" % opts.runner, file=sys.stderr)
        return 2
    ctx.seed = opts.seed if opts.seed is not None else random.SystemRandom().randrange(10 ** 6)
    ctx.steps = opts.steps
    ctx.verbose = opts.verbose
    ctx.order_lenient = opts.order_lenient
    ctx.strict_row_order = opts.strict_row_order
    ctx.alembic_exec = opts.alembic_exec
    ctx.keep = os.path.abspath(opts.keep) if opts.keep else None
    if opts.backend == "postgres":
        ctx.backend = PostgresBackend(os.path.abspath(opts.pg_cluster), ctx.keep)
    else:
        ctx.backend = SqliteBackend()
    ctx.stats = Stats()
    ctx.budget_hit = False
    t0 = time.monotonic()
    ctx.over_budget = lambda: time.monotonic() - t0 > opts.budget_seconds

    try:
        import alembic
        import alembic.config   # noqa: F401  (imported once, before forking)
        import alembic.util.messaging as messaging
        importlib.import_module("sqlalchemy")   # imported once, before forking
    except ImportError as e:
        print("alembic-compat: cannot import alembic/sqlalchemy (%s); run with /usr/bin/python3"
              % e, file=sys.stderr)
        return 2
    # Output as if stdin were not a terminal: no indent, no wrapping.
    messaging.TERMWIDTH = None
    sys.dont_write_bytecode = True
    if ctx.keep:
        os.makedirs(ctx.keep, exist_ok=True)
    # On SIGTERM or SIGHUP, unwind through the `finally` blocks that remove temp dirs and stop
    # the PostgreSQL cluster.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda signum, frame: sys.exit(128 + signum))
    try:
        code = ctx.backend.start(ctx)
        if code != 0:
            return code
        return run_graphs(ctx, opts, t0)
    finally:
        ctx.backend.stop()


def run_graphs(ctx, opts, t0):
    ctx.tmp = tempfile.mkdtemp(prefix="alembic_compat_")
    print("alembic-compat: seed %d, alembic %s (%s), runner %s, %s"
          % (ctx.seed, alembic_version(), ctx.alembic_exec, ctx.runner, ctx.backend.name),
          flush=True)
    stats = ctx.stats
    indices = [opts.only_graph] if opts.only_graph is not None else range(opts.graphs)
    failed_graphs = []
    try:
        for gi in indices:
            if ctx.over_budget():
                ctx.budget_hit = True
                break
            run = GraphRun(ctx, gi)
            try:
                ok = run.run()
            except HarnessError as e:
                print("HARNESS ERROR in graph %d: %s" % (gi, e), flush=True)
                stats.failed += 1
                ok = False
            finally:
                run.cleanup()
            stats.graphs += 1
            if not ok:
                failed_graphs.append(gi)
                if opts.exitfirst:
                    break
    except KeyboardInterrupt:
        print("alembic-compat: interrupted", file=sys.stderr)
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)

    elapsed = time.monotonic() - t0
    for tag, what in stats.known:
        print("known-difference: (%s) %s" % (tag, what))
    if opts.verbose:
        print("target kinds (count, Alembic successes):")
        for kind, (n, ok) in sorted(stats.kinds.items()):
            print("  %-16s %4d %4d" % (kind, n, ok))
        for note in stats.notes:
            print("note: " + note)
        print("migration SQL errors in both tools (states compared): %d; "
              "fresh databases after a stamp left them out of step: %d; "
              "graphs Alembic refused to load and were regenerated: %d"
              % (stats.sql_errors, stats.resets, stats.regenerated))
        if stats.alembic_calls:
            print("alembic: %d calls, %.3f s average (CPU in fork mode); runner %.1f s total"
                  % (stats.alembic_calls, stats.alembic_secs / stats.alembic_calls,
                     stats.runner_secs))
    total_cmds = sum(n for n, _ in stats.kinds.values())
    ok_cmds = sum(ok for _, ok in stats.kinds.values())
    print("alembic-compat: seed %d, %d graphs, %d commands (%d succeeded in Alembic), "
          "%d known differences, %.0f s%s%s"
          % (ctx.seed, stats.graphs, total_cmds, ok_cmds, len(stats.known), elapsed,
             " (budget reached)" if ctx.budget_hit else "",
             "; failed graphs: %s" % failed_graphs if failed_graphs else ""))
    print("alembic-compat: %d passed, %d failed" % (stats.passed, stats.failed), flush=True)
    return 1 if stats.failed else 0


if __name__ == "__main__":
    sys.exit(main())
