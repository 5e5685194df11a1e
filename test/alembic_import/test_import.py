#!/usr/bin/python3
"""End-to-end test of scripts/alembic-import on the fixture test/fixtures/alembic_project.

Usage:
    test/alembic_import/test_import.py --runner build/runner [--keep DIR] [-v]

Imports the fixture (a real Alembic 1.8.1 project on SQLite: 12 revisions with a branch and
its merge, a branch label, a depends_on, data migrations, batch_alter_table rebuilds, indexes,
foreign keys, a revision that inspects the live database) into a temporary folder, then checks
what a team switching from Alembic would notice:

- the files: one pair per revision, headers equal to the Alembic modules, provenance comments,
  review comments on captured files only, identical output on a second run, nothing written
  into the Alembic project, clean one-line errors for a missing alembic.ini, a wrong script
  location and a revision that fails to import (which also shows prepend_sys_path is read);
- the graph: `runner heads`, `history` and `branches` print what Alembic prints;
- the databases: `runner upgrade head` builds the same schema (tables, columns with type,
  notnull, default and pk, indexes, foreign keys, CREATE statements) and rows as
  `alembic upgrade head`; `runner downgrade base` leaves no table but runner's own, and
  `upgrade head` works again; PostgreSQL offline rendering works where Alembic can render;
- adopting: from databases Alembic brought to a middle revision (and filled with rows), after
  `runner adopt`, `runner current` equals `alembic current`, `runner upgrade head` gives what
  `alembic upgrade head` gives on a copy, and `runner check` exits 0. Skipped while
  `runner adopt --help` fails (the command does not exist yet).

Needs /usr/bin/python3 with python3-alembic (Debian); re-executes itself under it when started
by another interpreter. The last line is `alembic-import: N passed, M failed`; the exit status
is 0 when nothing failed.
"""

import argparse
import difflib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURE = os.path.join(ROOT, "test", "fixtures", "alembic_project")
IMPORTER = os.path.join(ROOT, "scripts", "alembic-import")
BOOKKEEPING = re.compile(r"^(alembic_version|runner_version.*)$")
HEADER_LINE = re.compile(r"^\s*--\s*([A-Za-z0-9_][A-Za-z0-9_-]*)\s*:\s*(.*?)\s*$")
# Revisions whose SQL Alembic 1.8.1 cannot render offline on SQLite (batch rebuilds; a
# revision that inspects the live database): (revision, direction).
CAPTURED = {
    ("23bb952de7cf", "up"), ("23bb952de7cf", "down"),  # batch users
    ("454346ff7fb2", "down"),  # batch drop_column posts.published_at
    ("1b932a6a972c", "up"), ("1b932a6a972c", "down"),  # inspects posts; batch drop_column
    ("4006120ab545", "up"), ("4006120ab545", "down"),  # batch foreign key on posts
}


def reexec_under_debian_python():
    try:
        import alembic  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and \
                os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__)] +
                     sys.argv[1:])
        print("alembic-import test: cannot import alembic/sqlalchemy; install python3-alembic "
              "(scripts/deps test)")
        print("alembic-import: 0 passed, 1 failed")
        sys.exit(1)


class Results:
    def __init__(self, verbose):
        self.passed = 0
        self.failed = 0
        self.skipped = []
        self.verbose = verbose

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("PASS %s" % name)
        else:
            self.failed += 1
            print("FAIL %s" % name)
            if detail:
                print("     " + detail.rstrip().replace("\n", "\n     "))
        return ok

    def skip(self, name, why):
        self.skipped.append(name)
        print("SKIP %s: %s" % (name, why))


class Run:
    def __init__(self, argv, cwd, env=None):
        proc = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=300)
        self.argv, self.code, self.out, self.err = argv, proc.returncode, proc.stdout, proc.stderr

    def describe(self):
        return "$ %s\nexit %d\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(self.argv), self.code, self.out, self.err)


class Env:
    """The temporary world of one test run: a copy of the fixture, tools, databases."""

    def __init__(self, runner, tmp):
        self.runner = os.path.abspath(runner)
        self.tmp = tmp
        self.project = os.path.join(tmp, "project")
        shutil.copytree(FIXTURE, self.project)
        self.env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        self.env.pop("ALEMBIC_CONFIG", None)
        self.env.pop("DATABASE_URL", None)

    def alembic(self, *args, db=None, cwd=None):
        argv = [sys.executable, "-m", "alembic"]
        if db:
            argv += ["-x", "url=sqlite:///" + db]
        return Run(argv + list(args), cwd or self.project, self.env)

    def runner_cmd(self, sql_dir, *args, db=None):
        argv = [self.runner, "--dir", sql_dir]
        if db:
            argv += ["--db", db]
        return Run(argv + list(args), self.tmp, self.env)

    def importer(self, *args, cwd=None):
        return Run([sys.executable, IMPORTER] + list(args), cwd or self.project, self.env)


# ---------------------------------------------------------------------------------------------
# Reading files and databases


def read_header(path):
    keys = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            m = HEADER_LINE.match(line)
            if not m:
                break
            keys[m.group(1)] = m.group(2)
    return keys


def split_list(value):
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def alembic_revisions(project):
    """The fixture's revisions as Alembic itself reads them (in-process, no bytecode)."""
    sys.dont_write_bytecode = True
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cwd = os.getcwd()
    os.chdir(project)
    try:
        script = ScriptDirectory.from_config(Config(os.path.join(project, "alembic.ini")))
        revs = {}
        for s in script.walk_revisions("base", "heads"):
            down = s.down_revision
            down = [] if down is None else [down] if isinstance(down, str) else list(down)
            deps = s.dependencies
            deps = [] if deps is None else [deps] if isinstance(deps, str) else list(deps)
            date = re.search(r"^\s*Create Date:\s*(\S.*?)\s*$", s.longdoc, re.M)
            revs[s.revision] = {
                "down_revision": down, "depends_on": deps,
                "branch_labels": list(s._orig_branch_labels), "message": s.doc,
                "create_date": date.group(1) if date else None,
            }
        return revs
    finally:
        os.chdir(cwd)


def tree_state(root):
    state = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            state[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return state


def user_tables(con):
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name") if not BOOKKEEPING.match(r[0])]


def normalise_sql(sql):
    """Whitespace and quotes normalised; the constraints of a CREATE TABLE sorted, because
    Alembic's batch mode writes them in set order, which changes from run to run."""
    text = " ".join((sql or "").replace('"', "").split())
    start, end = text.find("("), text.rfind(")")
    if not text.upper().startswith("CREATE TABLE") or start < 0 or end < start:
        return text
    parts, depth, current = [], 0, ""
    for c in text[start + 1:end]:
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += c
    parts.append(current.strip())
    constraint = re.compile(r"^(CONSTRAINT|PRIMARY KEY|FOREIGN KEY|UNIQUE|CHECK)\b", re.I)
    columns = [p for p in parts if not constraint.match(p)]
    constraints = sorted(p for p in parts if constraint.match(p))
    return "%s(%s)%s" % (text[:start], ", ".join(columns + constraints), text[end + 1:])


def comment_text(text):
    """The comments of a file as one line (they are wrapped at 99 columns)."""
    return " ".join(line.strip()[2:].strip() for line in text.splitlines()
                    if line.strip().startswith("--"))


def schema_of(db):
    """Tables with columns (type, notnull, default, pk), indexes, foreign keys, CREATE text."""
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        out = []
        for t in user_tables(con):
            out.append("table %s" % t)
            for cid, name, type_, notnull, dflt, pk in con.execute(
                    "PRAGMA table_info(%s)" % quote(t)):
                out.append("  column %s %s notnull=%d default=%s pk=%d"
                           % (name, type_.upper(), notnull, dflt, pk))
            for _, name, unique, origin, partial in sorted(
                    con.execute("PRAGMA index_list(%s)" % quote(t)), key=lambda r: r[1]):
                cols = [r[2] for r in con.execute("PRAGMA index_info(%s)" % quote(name))]
                out.append("  index %s unique=%d origin=%s partial=%d (%s)"
                           % (name, unique, origin, partial, ", ".join(map(str, cols))))
            fks = {}
            for fid, seq, table, frm, to, on_update, on_delete, match in con.execute(
                    "PRAGMA foreign_key_list(%s)" % quote(t)):
                fks.setdefault(fid, [table, [], [], on_update, on_delete])
                fks[fid][1].append(frm)
                fks[fid][2].append(to)
            for table, frm, to, on_update, on_delete in sorted(
                    (f[0], tuple(f[1]), tuple(f[2]), f[3], f[4]) for f in fks.values()):
                out.append("  foreign key (%s) -> %s(%s) on update %s on delete %s"
                           % (", ".join(frm), table, ", ".join(map(str, to)), on_update,
                              on_delete))
        for type_, name, tbl, sql in con.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                "ORDER BY type, name"):
            if not BOOKKEEPING.match(tbl) and not name.startswith("sqlite_"):
                out.append("%s %s: %s" % (type_, name, normalise_sql(sql)))
        return out
    finally:
        con.close()


def rows_of(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    try:
        out = []
        for t in user_tables(con):
            rows = sorted(con.execute("SELECT * FROM %s" % quote(t)).fetchall(), key=repr)
            out.append("%s: %d rows" % (t, len(rows)))
            out += ["  %r" % (row,) for row in rows]
        return out
    finally:
        con.close()


def quote(name):
    return '"%s"' % name.replace('"', '""')


def diff(a, b, a_name, b_name):
    return "\n".join(difflib.unified_diff(a, b, a_name, b_name, lineterm="", n=1))


def same(results, name, a, b, a_name, b_name):
    return results.check(name, a == b, diff(a, b, a_name, b_name))


# ---------------------------------------------------------------------------------------------
# The checks


def check_import(results, env, sql):
    before = tree_state(env.project)
    run = env.importer("alembic", sql)
    results.check("import_exits_0_and_prints_a_summary", run.code == 0 and not run.err.strip()
                  and "Imported 12 Alembic revisions" in run.out, run.describe())
    results.check("summary_names_the_next_two_commands",
                  re.search(r"runner .*adopt", run.out) is not None
                  and re.search(r"runner .*check", run.out) is not None, run.out)
    results.check("import_leaves_the_alembic_project_untouched", tree_state(env.project) ==
                  before, "files created or changed under %s" % env.project)
    revs = alembic_revisions(env.project)
    files = sorted(os.listdir(sql)) if os.path.isdir(sql) else []
    ups = [f for f in files if f.endswith(".up.sql")]
    downs = [f for f in files if f.endswith(".down.sql")]
    results.check("one_pair_per_revision_numbered_from_0001",
                  len(ups) == len(revs) == len(downs) == 12 and len(files) == 24
                  and [f[:5] for f in ups] == ["%04d_" % n for n in range(1, 13)]
                  and [f.replace(".up.sql", "") for f in ups] ==
                  [f.replace(".down.sql", "") for f in downs], "\n".join(files))
    return revs, ups, run


def check_headers(results, revs, sql, ups):
    problems, order = [], {}
    for n, up in enumerate(ups):
        down = up.replace(".up.sql", ".down.sql")
        h_up, h_down = read_header(os.path.join(sql, up)), read_header(os.path.join(sql, down))
        rid = h_up.get("revision")
        order[rid] = n
        if rid not in revs:
            problems.append("%s: revision %r is not an Alembic revision" % (up, rid))
            continue
        want = revs[rid]
        got = {
            "down_revision": split_list(h_up.get("down_revision")),
            "depends_on": split_list(h_up.get("depends_on")),
            "branch_labels": split_list(h_up.get("branch_labels")),
            "message": h_up.get("message"), "create_date": h_up.get("create_date"),
        }
        if got != want:
            problems.append("%s: header %r, Alembic says %r" % (up, got, want))
        if {k: v for k, v in h_down.items()} != h_up:
            problems.append("%s and %s: headers differ" % (up, down))
        if "transactional" in h_up:
            problems.append("%s: transactional key, but no fixture revision needs one" % up)
    results.check("headers_equal_the_alembic_modules", not problems, "\n".join(problems))
    late = ["%s before its parent %s" % (r, p) for r, w in revs.items()
            for p in w["down_revision"] + w["depends_on"] if order.get(p, -1) > order.get(r, -1)]
    results.check("files_are_numbered_parents_and_dependencies_first", not late, "\n".join(late))


def check_provenance(results, sql, ups):
    problems = []
    for up in ups:
        for name, direction in ((up, "up"), (up.replace(".up.sql", ".down.sql"), "down")):
            with open(os.path.join(sql, name), encoding="utf-8") as f:
                text = f.read()
            rid = read_header(os.path.join(sql, name))["revision"]
            captured = (rid, direction) in CAPTURED
            comments = comment_text(text)
            if "Imported by scripts/alembic-import from alembic/versions/" not in comments:
                problems.append("%s: no provenance comment" % name)
            if captured != ("Review needed!" in comments and "captured" in comments):
                problems.append("%s: review comment %s" % (name, "missing" if captured else
                                                            "on a file rendered offline"))
            if not captured and "offline mode" not in comments:
                problems.append("%s: does not say it was rendered offline" % name)
            if re.search(r"alembic_version|^\s*(BEGIN|COMMIT)\b", text, re.M | re.I):
                problems.append("%s: holds Alembic's bookkeeping or BEGIN/COMMIT" % name)
    results.check("provenance_says_offline_or_captured_with_a_review_comment", not problems,
                  "\n".join(problems))


def statements_of(path):
    """A file's statements, normalised: Alembic's batch mode writes a rebuilt table's
    constraints and indexes in the order of SQLAlchemy's sets of objects, which changes from
    run to run (not even PYTHONHASHSEED fixes it), so captured files are compared as sorted
    lists of statements with sorted constraints."""
    with open(path, encoding="utf-8") as f:
        text = "\n".join(line for line in f.read().splitlines() if not line.startswith("--"))
    return sorted(normalise_sql(s.strip().rstrip(";")) for s in re.split(r";[ \t]*\n\s*\n", text))


def check_deterministic(results, env, sql):
    again = os.path.join(env.tmp, "sql-again")
    run = env.importer("alembic", again)
    names = sorted(os.listdir(sql))
    differ = [f for f in names if not os.path.isfile(os.path.join(again, f))
              or statements_of(os.path.join(sql, f)) != statements_of(os.path.join(again, f))]
    results.check("a_second_import_writes_the_same_files", run.code == 0 and names ==
                  sorted(os.listdir(again)) and not differ, run.describe() + "\n".join(differ))
    run = env.importer("alembic", again)
    results.check("import_refuses_a_folder_that_already_holds_migrations",
                  run.code == 1 and "already holds migration files" in run.err
                  and "Traceback" not in run.err, run.describe())


def check_graph(results, env, sql):
    for cmd in (["heads"], ["history"], ["branches"], ["heads", "--resolve-dependencies"]):
        a = env.alembic(*cmd)
        r = env.runner_cmd(sql, *cmd)
        a_lines = sorted(line for line in a.out.splitlines() if line.strip())
        r_lines = sorted(line for line in r.out.splitlines() if line.strip())
        name = "runner_%s_prints_what_alembic_prints" % "_".join(
            c.strip("-").replace("-", "_") for c in cmd)
        results.check(name, a.code == 0 and r.code == 0 and a_lines == r_lines and a_lines,
                      diff(a_lines, r_lines, "alembic " + " ".join(cmd),
                           "runner " + " ".join(cmd)) + "\n" + r.err + a.err)


def check_databases(results, env, sql):
    a_db = os.path.join(env.tmp, "alembic.db")
    r_db = os.path.join(env.tmp, "runner.db")
    a = env.alembic("upgrade", "head", db=a_db)
    r = env.runner_cmd(sql, "upgrade", "head", db=r_db)
    if not results.check("runner_and_alembic_upgrade_head_succeed", a.code == 0 and r.code == 0,
                         a.describe() + "\n" + r.describe()):
        return
    alembic_schema, alembic_rows = schema_of(a_db), rows_of(a_db)
    results.check("fixture_upgrade_gives_tables_and_seeded_rows",
                  len(user_tables(sqlite3.connect(a_db))) == 7
                  and any(line.startswith("site_settings: 4 rows") for line in alembic_rows),
                  "\n".join(alembic_rows))
    same(results, "upgrade_head_gives_alembics_schema", alembic_schema, schema_of(r_db),
         "alembic", "runner")
    same(results, "upgrade_head_gives_alembics_rows", alembic_rows, rows_of(r_db),
         "alembic", "runner")
    c = env.runner_cmd(sql, "check", db=r_db)
    results.check("runner_check_exits_0_at_head", c.code == 0, c.describe())

    d = env.runner_cmd(sql, "downgrade", "base", db=r_db)
    left = user_tables(sqlite3.connect(r_db)) if d.code == 0 else ["(downgrade failed)"]
    results.check("downgrade_base_leaves_no_user_tables", d.code == 0 and left == [],
                  d.describe() + "\nleft: %s" % left)
    u = env.runner_cmd(sql, "upgrade", "head", db=r_db)
    results.check("upgrade_head_works_again_after_downgrade_base", u.code == 0, u.describe())
    if u.code == 0:
        same(results, "upgrade_head_again_gives_alembics_schema_and_rows",
             alembic_schema + alembic_rows, schema_of(r_db) + rows_of(r_db), "alembic", "runner")

    # Alembic's own downgrade agrees: the imported down files undo what Alembic's do.
    a = env.alembic("downgrade", "base", db=a_db)
    results.check("alembic_downgrade_base_leaves_no_user_tables_either",
                  a.code == 0 and user_tables(sqlite3.connect(a_db)) == [], a.describe())


def seed_live_rows(db, revision):
    """Rows a team's database holds at a middle revision (users before display_name is
    required, posts in several states, tags on posts, comments)."""
    con = sqlite3.connect(db)
    con.executescript("""
        INSERT INTO users (id, email, display_name, is_admin, created_at) VALUES
            (1, 'ada@example.com', 'Ada', 1, '2026-09-20 08:00:00'),
            (2, 'grace@example.com', NULL, 0, '2026-09-20 09:00:00'),
            (3, 'linus@example.com', '', 0, '2026-09-21 10:00:00');
        INSERT INTO posts (id, author_id, title, body, status, created_at) VALUES
            (10, 1, 'Hello World', 'first', 'published', '2026-09-20 12:00:00'),
            (11, 2, 'Draft Notes', 'wip', 'draft', '2026-09-21 12:00:00'),
            (12, 3, 'Release 1.0', 'notes', 'published', '2026-09-22 12:00:00');
        INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES
            (100, 10, 2, 'Nice!', '2026-09-20 13:00:00');
    """)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "post_tags" in tables:
        con.execute("INSERT INTO post_tags (post_id, tag_id) VALUES (10, 1), (12, 4)")
    if "tags" in tables:
        con.execute("INSERT INTO tags (id, slug, label) VALUES (5, 'python', 'Python')")
    if "tag_subscriptions" in tables:
        # A subscription to a seeded tag would make `downgrade base` fail in runner: the
        # downgrade of e6521b82fa0e deletes the seeded tags while tag_subscriptions (another
        # branch) still references them; runner's foreign key check refuses that, where
        # Alembic on SQLite (no enforcement) leaves the dangling reference.
        con.execute("INSERT INTO tag_subscriptions (user_id, tag_id, created_at) VALUES "
                    "(2, 5, '2026-09-20 14:00:00')")
    con.commit()
    con.close()


def check_adopt(results, env, sql):
    # Alembic brings databases to a middle revision: one version row (depends_on absorbed the
    # tagging root), and two rows (both branches open).
    middles = {
        "one_head": [["0a835c434b11"]],
        "two_heads": [["239b0af1ab14"], ["0c272990a5af"]],
    }
    probe = env.runner_cmd(sql, "adopt", "--help")
    if probe.code != 0:
        for label in middles:
            results.skip("adopt_at_a_middle_revision_%s" % label,
                         "'runner adopt --help' fails (exit %d): runner adopt does not exist yet "
                         "(issue 15); enable by implementing it" % probe.code)
        return
    for label, steps in middles.items():
        name = "adopt_at_a_middle_revision_%s" % label
        a_db = os.path.join(env.tmp, "adopt-%s-alembic.db" % label)
        r_db = os.path.join(env.tmp, "adopt-%s-runner.db" % label)
        ok = True
        for target in steps:
            run = env.alembic("upgrade", *target, db=a_db)
            ok = results.check("%s_alembic_reaches_%s" % (name, target[0]), run.code == 0,
                               run.describe()) and ok
        if not ok:
            continue
        seed_live_rows(a_db, steps[-1][0])
        shutil.copyfile(a_db, r_db)
        alembic_current = env.alembic("current", db=a_db)
        adopt = env.runner_cmd(sql, "adopt", db=r_db)
        if not results.check("%s_runner_adopt_succeeds" % name, adopt.code == 0,
                             adopt.describe()):
            continue
        runner_current = env.runner_cmd(sql, "current", db=r_db)
        a_lines = sorted(line for line in alembic_current.out.splitlines() if line.strip())
        r_lines = sorted(line for line in runner_current.out.splitlines() if line.strip())
        results.check("%s_runner_current_equals_alembic_current" % name,
                      alembic_current.code == 0 and a_lines and a_lines == r_lines,
                      diff(a_lines, r_lines, "alembic current", "runner current"))
        a_up = env.alembic("upgrade", "head", db=a_db)
        r_up = env.runner_cmd(sql, "upgrade", "head", db=r_db)
        if not results.check("%s_both_upgrade_head" % name, a_up.code == 0 and r_up.code == 0,
                             a_up.describe() + "\n" + r_up.describe()):
            continue
        same(results, "%s_upgrade_head_gives_alembics_schema_and_rows" % name,
             schema_of(a_db) + rows_of(a_db), schema_of(r_db) + rows_of(r_db),
             "alembic", "runner")
        c = env.runner_cmd(sql, "check", db=r_db)
        results.check("%s_runner_check_exits_0" % name, c.code == 0, c.describe())
        d = env.runner_cmd(sql, "downgrade", "base", db=r_db)
        if not results.check("%s_downgrade_base_leaves_no_user_tables" % name, d.code == 0 and
                             user_tables(sqlite3.connect(r_db)) == [], d.describe()):
            continue
        u = env.runner_cmd(sql, "upgrade", "head", db=r_db)
        results.check("%s_upgrade_head_works_again" % name, u.code == 0, u.describe())


def check_postgresql(results, env):
    pg = os.path.join(env.tmp, "sql-pg")
    run = env.importer("alembic", pg, "--dialect", "postgresql")
    files = sorted(os.listdir(pg)) if os.path.isdir(pg) else []
    results.check("postgresql_import_writes_every_pair_and_exits_3_for_the_unrenderable",
                  run.code == 3 and len(files) == 24 and "Traceback" not in run.err,
                  run.describe())

    def text(prefix):
        name = [f for f in files if f.startswith(prefix)]
        return open(os.path.join(pg, name[0]), encoding="utf-8").read() if name else ""

    users = text("0001_create_users_table.up.sql")
    editor = text("0012_add_posts_editor_id.up.sql")
    results.check("postgresql_renders_postgresql_sql_offline",
                  "SERIAL" in users and "offline mode for postgresql" in comment_text(users)
                  and "ALTER TABLE posts ADD CONSTRAINT fk_posts_editor_id_users" in editor,
                  users + editor)
    slug = text("0010_add_posts_slug.up.sql")
    results.check("postgresql_unrenderable_revision_stops_runner_until_written_by_hand",
                  "Not imported!" in slug and "inspects the live database" in comment_text(slug)
                  and 'SELECT * FROM "alembic_import: write 1b932a6a972c by hand";' in slug
                  and "0010_add_posts_slug.up.sql" in run.out
                  and "needs a postgresql server" in run.out, slug + run.out)
    headers = [read_header(os.path.join(pg, f)) for f in files]
    results.check("postgresql_files_load_in_runner",
                  env.runner_cmd(pg, "heads").code == 0 and all("revision" in h for h in headers))


def check_errors(results, env):
    def clean_error(run, *needles):
        lines = [line for line in run.err.splitlines() if line.strip()]
        return (run.code == 1 and len(lines) == 1 and lines[0].startswith("alembic-import: error:")
                and all(n in lines[0] for n in needles) and "Traceback" not in run.err)

    out = os.path.join(env.tmp, "never")
    run = env.importer("alembic", out, cwd=env.tmp)
    results.check("missing_alembic_ini_is_one_clean_error",
                  clean_error(run, "no Alembic config file 'alembic.ini'") and
                  not os.path.exists(out), run.describe())

    def variant(name, edit):
        path = os.path.join(env.tmp, name)
        shutil.copytree(FIXTURE, path)
        edit(path)
        return path

    def set_ini(path, old, new):
        ini = os.path.join(path, "alembic.ini")
        text = open(ini, encoding="utf-8").read()
        assert old in text
        open(ini, "w", encoding="utf-8").write(text.replace(old, new))

    wrong = variant("wrong-location", lambda p: set_ini(
        p, "script_location = alembic", "script_location = migrations"))
    run = env.importer("alembic", out, cwd=wrong)
    results.check("wrong_script_location_is_one_clean_error",
                  clean_error(run, "script_location = migrations") and not os.path.exists(out),
                  run.describe())
    run = env.importer("contentapp", out)
    results.check("alembic_dir_that_is_not_the_script_location_is_one_clean_error",
                  clean_error(run, "ALEMBIC_DIR 'contentapp' is not the script location")
                  and not os.path.exists(out), run.describe())

    no_path = variant("no-prepend", lambda p: set_ini(p, "prepend_sys_path = .", ""))
    run = env.importer("alembic", out, cwd=no_path)
    results.check("without_prepend_sys_path_the_revision_import_error_names_the_file",
                  clean_error(run, "No module named 'contentapp'") and not os.path.exists(out)
                  and re.search(r"importing alembic/versions/(26b4ada076e9_create_posts_table|"
                                r"1b932a6a972c_add_posts_slug)\.py:\d+: ", run.err),
                  run.describe())

    def add_broken(p):
        with open(os.path.join(p, "alembic", "versions", "ffff00000001_broken.py"), "w") as f:
            f.write('"""broken"""\nrevision = "ffff00000001"\ndown_revision = "4006120ab545"\n'
                    'branch_labels = None\ndepends_on = None\n\n'
                    'raise RuntimeError("half-finished revision")\n')

    broken = variant("broken-revision", add_broken)
    run = env.importer("alembic", out, cwd=broken)
    results.check("revision_that_fails_to_import_is_one_clean_error_naming_file_and_line",
                  clean_error(run, "ffff00000001_broken.py:7", "half-finished revision")
                  and not os.path.exists(out), run.describe())


VACUUM_REVISION = '''"""compact the database file

Revision ID: 7e7e00000001
Revises: 4006120ab545
Create Date: 2026-10-12 07:00:00

"""
from alembic import op

revision = "7e7e00000001"
down_revision = "4006120ab545"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("VACUUM")


def downgrade():
    pass
'''

READING_REVISION = '''"""upper-case the tag labels

Revision ID: 8e8e00000001
Revises: 7e7e00000001
Create Date: 2026-10-13 07:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = "8e8e00000001"
down_revision = "7e7e00000001"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    for id_, label in conn.execute(sa.text("SELECT id, label FROM tags ORDER BY id")).fetchall():
        conn.execute(sa.text("UPDATE tags SET label = :label WHERE id = :id"),
                     {"label": label.upper(), "id": id_})


def downgrade():
    pass
'''


def check_variant_revisions(results, env):
    """Two revisions on top of the fixture: one whose SQL cannot run in a transaction (it gets
    `transactional: false`), one that reads rows and updates each (captured, with the values
    written as literals, and a review note that it read data)."""
    project = os.path.join(env.tmp, "variant-project")
    shutil.copytree(FIXTURE, project)
    versions = os.path.join(project, "alembic", "versions")
    for name, text in (("7e7e00000001_vacuum.py", VACUUM_REVISION),
                       ("8e8e00000001_upper_labels.py", READING_REVISION)):
        with open(os.path.join(versions, name), "w") as f:
            f.write(text)
    sql = os.path.join(env.tmp, "sql-variant")
    run = env.importer("alembic", sql, cwd=project)
    up = os.path.join(sql, "0013_compact_the_database_file.up.sql")
    header = read_header(up) if os.path.exists(up) else {}
    results.check("statement_that_cannot_run_in_a_transaction_gives_transactional_false",
                  run.code == 0 and header.get("transactional") == "false"
                  and header.get("create_date") == "2026-10-12 07:00:00"
                  and "transactional: false" in run.out and "outside a transaction" in run.out,
                  run.describe() + "\n%r" % header)
    reading = os.path.join(sql, "0014_upper_case_the_tag_labels.up.sql")
    text = open(reading, encoding="utf-8").read() if os.path.exists(reading) else ""
    results.check("revision_that_reads_rows_is_captured_with_literals_and_a_data_review_note",
                  "Review needed!" in text and "read rows" in comment_text(text)
                  and "UPDATE tags SET label = 'RELEASE NOTES: WHAT''S NEW' WHERE id = 4;" in text
                  and "SELECT" not in text.split("\n\n", 2)[-1], text)

    r_db = os.path.join(env.tmp, "variant-runner.db")
    a_db = os.path.join(env.tmp, "variant-alembic.db")
    u = env.runner_cmd(sql, "upgrade", "head", db=r_db)
    a = env.alembic("upgrade", "head", db=a_db, cwd=project)
    results.check("runner_runs_the_imported_non_transactional_file", u.code == 0 and
                  "8e8e00000001" in env.runner_cmd(sql, "current", db=r_db).out, u.describe())
    if u.code == 0 and a.code == 0:
        same(results, "variant_upgrade_head_gives_alembics_schema_and_rows",
             schema_of(a_db) + rows_of(a_db), schema_of(r_db) + rows_of(r_db),
             "alembic", "runner")


def check_literals(results):
    """Captured statements get their DB-API parameters written as SQLite literals."""
    from importlib.machinery import SourceFileLoader

    sys.dont_write_bytecode = True
    mod = SourceFileLoader("alembic_import_script", IMPORTER).load_module()
    cases = [
        ("INSERT INTO t (a, b, c, d, e) VALUES (?, ?, ?, ?, ?)",
         (1, "it's; -- ?", None, True, b"\x00\xff"),
         "INSERT INTO t (a, b, c, d, e) VALUES (1, 'it''s; -- ?', NULL, 1, X'00FF')"),
        ("UPDATE t SET a = ? WHERE b = '?' AND \"c?\" = ? -- ?\n", (2.5, "x"),
         "UPDATE t SET a = 2.5 WHERE b = '?' AND \"c?\" = 'x' -- ?\n"),
        ("UPDATE t SET a = :a WHERE b = :b AND c = '::a'", {"a": 1, "b": "q"},
         "UPDATE t SET a = 1 WHERE b = 'q' AND c = '::a'"),
    ]
    bad = ["%r -> %r, want %r" % (sql, mod.render_literals(sql, params), want)
           for sql, params, want in cases if mod.render_literals(sql, params) != want]
    results.check("captured_parameters_are_written_as_sqlite_literals", not bad, "\n".join(bad))


def main():
    reexec_under_debian_python()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runner", required=True, help="the built runner binary")
    parser.add_argument("--keep", help="keep the temporary folder here (must not exist)")
    parser.add_argument("-v", action="store_true", help="verbose")
    args = parser.parse_args()
    results = Results(args.v)
    tmp = tempfile.mkdtemp(prefix="alembic-import-test-")
    try:
        env = Env(args.runner, tmp)
        sql = os.path.join(tmp, "sql")
        revs, ups, _ = check_import(results, env, sql)
        if ups:
            check_headers(results, revs, sql, ups)
            check_provenance(results, sql, ups)
            check_deterministic(results, env, sql)
            check_graph(results, env, sql)
            check_databases(results, env, sql)
            check_adopt(results, env, sql)
        check_literals(results)
        check_variant_revisions(results, env)
        check_postgresql(results, env)
        check_errors(results, env)
    finally:
        if args.keep:
            shutil.copytree(tmp, args.keep)
            print("kept: %s" % args.keep)
        shutil.rmtree(tmp, ignore_errors=True)
    if results.skipped:
        print("skipped %d: %s" % (len(results.skipped), ", ".join(results.skipped)))
    print("alembic-import: %d passed, %d failed" % (results.passed, results.failed))
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())
