"""Generates the benchmark workloads: revision histories and large data migrations, written as
runner's SQL pairs, as the sqlite3-shell script that runs the same statements, as an Alembic
project and as a sqitch project. Everything is deterministic: the same arguments give the same
bytes."""

import hashlib
import os
import sqlite3
import subprocess
import tempfile

VERSION_TABLE = "runner_version"

class Rev:
    """One migration: its identity, parents, dependencies and the SQL of both directions."""

    def __init__(self, index, rid, parents, depends=(), labels=()):
        self.index = index          # 1-based, also the file number
        self.id = rid
        self.parents = list(parents)
        self.depends = list(depends)
        self.labels = list(labels)
        self.message = ""
        self.up = []                # statements, each without its ';'
        self.down = []

    @property
    def stem(self):
        return "%05d_%s" % (self.index, self.id)


def rev_id(shape, index):
    return hashlib.sha1(("%s-%d" % (shape, index)).encode()).hexdigest()[:12]


def table(rev):
    return "t%05d" % rev.index


def fill_bodies(revs):
    """Realistic small DDL plus a few rows: a table with an index, sometimes a foreign key to the
    parent's table, sometimes a column added to the parent's table and backfilled."""
    by_id = {r.id: r for r in revs}
    for r in revs:
        t = table(r)
        parent = by_id[r.parents[0]] if r.parents else None
        fk = parent is not None and r.index % 3 == 0
        cols = [
            "    id INTEGER PRIMARY KEY",
            "    name TEXT NOT NULL",
            "    qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0)",
            "    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP",
        ]
        if fk:
            cols.append("    %s_id INTEGER REFERENCES %s (id) ON DELETE CASCADE"
                        % (table(parent), table(parent)))
        r.up.append("CREATE TABLE %s (\n%s\n)" % (t, ",\n".join(cols)))
        r.up.append("CREATE INDEX ix_%s_name ON %s (name)" % (t, t))
        r.up.append("INSERT INTO %s (name, qty) VALUES ('alpha', 1), ('beta', 2), ('gamma', 3)" % t)
        r.down.append("DROP INDEX ix_%s_name" % t)
        r.down.append("DROP TABLE %s" % t)
        if parent is not None and r.index % 4 == 0:
            pt, col = table(parent), "c%05d" % r.index
            r.up.append("ALTER TABLE %s ADD COLUMN %s TEXT" % (pt, col))
            r.up.append("UPDATE %s SET %s = upper(name) WHERE qty > 1" % (pt, col))
            r.down.insert(0, "ALTER TABLE %s DROP COLUMN %s" % (pt, col))
        r.message = "create %s%s" % (t, " with a column on %s" % table(parent)
                                     if parent is not None and r.index % 4 == 0 else "")


def linear_history(n):
    revs = []
    for i in range(1, n + 1):
        revs.append(Rev(i, rev_id("linear", i), [revs[-1].id] if revs else []))
    fill_bodies(revs)
    return revs


def branchy_history(n, fill=None):
    """Blocks of 20: ten trunk revisions, a branch point into two branches of four, a merge and
    one more trunk revision. Every other block, the second branch depends_on the first (Alembic's
    cross-branch dependency). Three branch labels in all, whatever n is, so label output stays
    linear in n. A short tail is linear."""
    revs = []
    label_blocks = {max(0, n // 20 // 4), max(0, n // 20 // 2), max(0, 3 * n // 20 // 4)}

    def add(parents, depends=(), labels=()):
        i = len(revs) + 1
        revs.append(Rev(i, rev_id("branchy", i), parents, depends, labels))
        return revs[-1]

    tip = None
    block = 0
    while len(revs) < n:
        if n - len(revs) < 20:
            tip = add([tip.id] if tip else [])
            continue
        for _ in range(10):
            tip = add([tip.id] if tip else [])
        fork = tip
        a = [add([fork.id], labels=["branch_%d" % block] if block in label_blocks else [])]
        for _ in range(3):
            a.append(add([a[-1].id]))
        b = [add([fork.id])]
        b.append(add([b[-1].id]))
        b.append(add([b[-1].id], depends=[a[1].id] if block % 2 == 0 else []))
        b.append(add([b[-1].id]))
        merge = add([a[-1].id, b[-1].id])
        tip = add([merge.id])
        block += 1
    (fill or fill_bodies)(revs)
    for r in revs:
        if len(r.parents) > 1:
            r.message = "merge " + ", ".join(r.parents) + "; " + r.message
    return revs


def fill_data_bodies(revs):
    """Data-only migrations on a schema the root makes: each later one adds a customer with
    three orders (foreign keys to it) and updates a counter, so SQLite's own cost per migration
    stays about flat however long the history is."""
    root = revs[0]
    root.up = ["CREATE TABLE customers (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL,\n"
               "    orders INTEGER NOT NULL DEFAULT 0\n)",
               "CREATE TABLE orders (\n    id INTEGER PRIMARY KEY,\n"
               "    customer_id INTEGER NOT NULL REFERENCES customers (id),\n"
               "    amount REAL NOT NULL CHECK (amount >= 0),\n    note TEXT\n)",
               "CREATE INDEX ix_orders_customer ON orders (customer_id)"]
    root.down = ["DROP TABLE orders", "DROP TABLE customers"]
    root.message = "customers and orders"
    for r in revs[1:]:
        i = r.index
        r.up = ["INSERT INTO customers (id, name) VALUES (%d, 'customer %d')" % (i, i),
                "INSERT INTO orders (customer_id, amount, note) VALUES (%d, %d.25, 'first'), "
                "(%d, %d.50, 'second'), (%d, %d.75, 'third')" % (i, i % 97, i, i % 89, i, i % 83),
                "UPDATE customers SET orders = orders + 3 WHERE id = %d" % i]
        r.down = ["DELETE FROM orders WHERE customer_id = %d" % i,
                  "DELETE FROM customers WHERE id = %d" % i]
        r.message = "customer %d with three orders" % i


def data_history(n):
    """The branchy graph with data-only migrations (fill_data_bodies): on the other histories
    every migration adds a table, and SQLite's schema handling grows with the number of tables;
    here only runner's own per-migration cost could grow."""
    return branchy_history(n, fill=fill_data_bodies)


def big_migration(mb, rows_per_insert=500):
    """One data migration of about `mb` MB: a table and multi-row INSERTs, one row a line, as a
    dump would write them."""
    r = Rev(1, "b1600000%04d" % mb, [])
    r.message = "load %d MB of orders" % mb
    r.up.append("CREATE TABLE orders (\n    id INTEGER PRIMARY KEY,\n    customer TEXT NOT NULL,\n"
                "    email TEXT NOT NULL,\n    amount REAL NOT NULL,\n    status TEXT NOT NULL,\n"
                "    created_at TEXT NOT NULL,\n    note TEXT\n)")
    r.down.append("DROP TABLE orders")
    r.big_mb = mb
    r.rows_per_insert = rows_per_insert
    return r


def big_statements(r):
    """The INSERTs of a big migration, generated lazily (hundreds of MB)."""
    target = r.big_mb * 1024 * 1024
    written = 0
    row = 1
    statuses = ("paid", "shipped", "refunded", "pending")
    while written < target:
        lines = []
        for _ in range(r.rows_per_insert):
            lines.append(
                "(%d, 'customer %07d', 'c%07d@example.com', %d.%02d, '%s', "
                "'2026-%02d-%02d %02d:%02d:%02d', 'order note %d: deliver to the back door')"
                % (row, row * 7919 % 10000000, row, row % 9973, row % 100, statuses[row % 4],
                   row % 12 + 1, row % 28 + 1, row % 24, row % 60, (row * 7) % 60, row))
            row += 1
        stmt = ("INSERT INTO orders (id, customer, email, amount, status, created_at, note) "
                "VALUES\n" + ",\n".join(lines))
        written += len(stmt) + 2
        yield stmt


# ---------------------------------------------------------------------------------------------
# runner's files

def header(r, direction):
    h = ["-- revision: %s" % r.id,
         "-- down_revision:%s" % ((" " + ", ".join(r.parents)) if r.parents else "")]
    if r.labels:
        h.append("-- branch_labels: %s" % ", ".join(r.labels))
    if r.depends:
        h.append("-- depends_on: %s" % ", ".join(r.depends))
    h.append("-- message: %s" % r.message)
    h.append("-- create_date: 2026-01-01 00:00:00")
    return "\n".join(h) + "\n\n"


def up_text_chunks(r):
    yield header(r, "up")
    yield "-- %s\n" % r.message
    for s in r.up:
        yield s + ";\n"
    if hasattr(r, "big_mb"):
        for s in big_statements(r):
            yield s + ";\n"


def write_runner_dir(revs, d):
    os.makedirs(d, exist_ok=True)
    for r in revs:
        with open(os.path.join(d, r.stem + ".up.sql"), "w") as f:
            for chunk in up_text_chunks(r):
                f.write(chunk)
        with open(os.path.join(d, r.stem + ".down.sql"), "w") as f:
            f.write(header(r, "down"))
            for s in r.down:
                f.write(s + ";\n")


def runner_bookkeeping_ddl(runner):
    """The bookkeeping tables (and their indexes) exactly as `runner upgrade` creates them: taken
    from a scratch database runner upgraded by one empty migration. (Its offline script declares
    them a little differently: unquoted names, and the partial-failure table, which an online run
    makes only when a non-transactional migration fails.)"""
    with tempfile.TemporaryDirectory(prefix="runner-bench-ddl-") as tmp:
        sql_dir = os.path.join(tmp, "sql")
        r = Rev(1, "b0000000000a", [])
        r.message = "nothing"
        r.up, r.down = ["SELECT 1"], ["SELECT 1"]
        write_runner_dir([r], sql_dir)
        db = os.path.join(tmp, "scratch.db")
        done = subprocess.run([runner, "--db", db, "--dir", sql_dir, "upgrade", "heads"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode != 0:
            raise RuntimeError("bench: runner could not make its tables: " + done.stderr)
        con = sqlite3.connect(db)
        try:
            rows = con.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND "
                               "tbl_name LIKE ? || '%' ORDER BY rowid", (VERSION_TABLE,)).fetchall()
        finally:
            con.close()
    if not rows:
        raise RuntimeError("bench: runner created no %s tables" % VERSION_TABLE)
    return "".join(sql + ";\n" for (sql,) in rows)


def write_shell_script(runner, d, path, fk_check=False):
    """The limit: the sqlite3 shell running exactly what runner runs for `upgrade heads` on an
    empty database: runner's bookkeeping tables, then per migration BEGIN IMMEDIATE, the up file
    as it is, the version row and the audit-log row, COMMIT. The statements are runner's own:
    `runner upgrade heads --sql` writes them (its checksums, its order), with the tables as the
    online run creates them (runner_bookkeeping_ddl) and without its foreign-key check (the
    shell has no incremental one). `fk_check` puts PRAGMA foreign_key_check in its place (for
    the breakdown, not the limit)."""
    ddl = runner_bookkeeping_ddl(runner)
    offline = path + ".offline"
    with tempfile.TemporaryDirectory(prefix="runner-bench-sql-") as empty:
        with open(offline, "wb") as out:
            subprocess.run([runner, "--db", os.path.join(empty, "none.db"), "--dir", d,
                            "upgrade", "heads", "--sql"], stdout=out, check=True)
    migrations = 0
    preamble = True  # before the first migration
    try:
        with open(offline) as src, open(path, "w") as out:
            skipping = None  # the end of the lines being left out
            for line in src:
                if skipping is not None:
                    if line.rstrip("\n").endswith(skipping):
                        skipping = None
                    continue
                preamble = preamble and not line.startswith("-- Running upgrade")
                if preamble and line.startswith("CREATE TABLE IF NOT EXISTS %s" % VERSION_TABLE):
                    out.write(ddl)  # before the first one, in place of them all
                    ddl = ""
                    skipping = ");"
                    continue
                if line.startswith("-- Foreign keys are checked before each COMMIT"):
                    skipping = "CHECK (new_violations = 0));"  # the temp tables of the check
                    continue
                if line.startswith("INSERT INTO temp.runner_fk_check "):
                    skipping = ");"
                    if fk_check:
                        out.write("PRAGMA foreign_key_check;\n")
                    migrations += 1
                    continue
                if line.startswith("INSERT INTO %s_log " % VERSION_TABLE) and \
                        line.endswith(", 'offline script');\n"):
                    line = line[:-len("'offline script');\n")] + "NULL);\n"  # as online
                out.write(line)
    finally:
        os.remove(offline)
    if migrations == 0 or ddl:
        raise RuntimeError("bench: `runner upgrade heads --sql` no longer writes what "
                           "write_shell_script takes apart (%s)" % d)


# ---------------------------------------------------------------------------------------------
# Alembic

ALEMBIC_ENV = '''\
from alembic import context
from sqlalchemy import create_engine, pool

config = context.config
engine = create_engine(config.get_main_option("db_url"), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
'''


def py_tuple(items):
    if not items:
        return "None"
    if len(items) == 1:
        return repr(items[0])
    return "(" + ", ".join(repr(i) for i in items) + ")"


def write_alembic_project(revs, root, db_path, url=None):
    """An Alembic project whose revisions op.execute() the same statements, one call each, on the
    SQLite file db_path or, given `url`, on that SQLAlchemy URL."""
    sdir = os.path.join(root, "migrations")  # not "alembic": `python3 -m alembic` would import it
    vdir = os.path.join(sdir, "versions")
    os.makedirs(vdir, exist_ok=True)
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write("[alembic]\nscript_location = %s\ndb_url = %s\n"
                % (sdir, (url or "sqlite:///" + db_path).replace("%", "%%")))
    with open(os.path.join(sdir, "env.py"), "w") as f:
        f.write(ALEMBIC_ENV)
    with open(os.path.join(sdir, "script.py.mako"), "w") as f:
        f.write("")
    for r in revs:
        with open(os.path.join(vdir, r.stem + ".py"), "w") as f:
            f.write('"""%s\n\nRevision ID: %s\nRevises: %s\nCreate Date: 2026-01-01 00:00:00\n"""\n'
                    % (r.message, r.id, ", ".join(r.parents)))
            f.write("from alembic import op\n\n")
            f.write("revision = %r\ndown_revision = %s\nbranch_labels = %s\ndepends_on = %s\n\n\n"
                    % (r.id, py_tuple(r.parents), py_tuple(r.labels), py_tuple(r.depends)))
            f.write("def upgrade():\n")
            for s in r.up:
                f.write("    op.execute(%r)\n" % s)
            f.write("\n\ndef downgrade():\n")
            for s in r.down:
                f.write("    op.execute(%r)\n" % s)


def heads_of(revs):
    parents = {p for r in revs for p in r.parents}
    return [r.id for r in revs if r.id not in parents]


def stamp_alembic_db(revs, db_path):
    """An Alembic database at the heads, written directly (stamping 10,000 revisions with
    Alembic itself takes minutes)."""
    import sqlite3
    if os.path.exists(db_path):
        os.remove(db_path)
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))")
    con.executemany("INSERT INTO alembic_version VALUES (?)", [(h,) for h in heads_of(revs)])
    con.commit()
    con.close()


# ---------------------------------------------------------------------------------------------
# sqitch

def write_sqitch_project(revs, root, runner_dir=None):
    """A sqitch project (engine sqlite): the plan in topological order, each change requiring its
    parents and dependencies; each deploy script runs the same body in its own transaction."""
    for sub in ("deploy", "revert", "verify"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    with open(os.path.join(root, "sqitch.conf"), "w") as f:
        f.write("[core]\n\tengine = sqlite\n\tplan_file = %s\n\ttop_dir = %s\n"
                % (os.path.join(root, "sqitch.plan"), root))
    name = {r.id: "c%05d" % r.index for r in revs}
    with open(os.path.join(root, "sqitch.plan"), "w") as plan:
        plan.write("%syntax-version=1.0.0\n%project=bench\n\n")
        for r in revs:
            req = [name[p] for p in r.parents + r.depends]
            plan.write("%s %s2026-01-01T00:00:00Z Bench <bench@example.com> # %s\n"
                       % (name[r.id], ("[" + " ".join(req) + "] ") if req else "", r.message))
            with open(os.path.join(root, "deploy", name[r.id] + ".sql"), "w") as f:
                f.write("BEGIN;\n")
                if runner_dir is not None:  # the very same file, header comments and all
                    with open(os.path.join(runner_dir, r.stem + ".up.sql")) as src:
                        while True:
                            chunk = src.read(1 << 20)
                            if not chunk:
                                break
                            f.write(chunk)
                else:
                    for chunk in up_text_chunks(r):
                        f.write(chunk)
                f.write("\nCOMMIT;\n")
            with open(os.path.join(root, "revert", name[r.id] + ".sql"), "w") as f:
                f.write("BEGIN;\n" + "".join(s + ";\n" for s in r.down) + "COMMIT;\n")
