#!/usr/bin/python3
"""Runs README.md's console examples against the built runner and compares what they print.

Usage:
    test/readme/check_readme.py --runner build/runner [--readme README.md] [--regenerate] [-v]

Every ```console block of the README is a session: each `$ COMMAND` line runs (with bash, in
order) and the lines below it, up to the next `$` line, are what it must print (stdout and stderr
together; trailing blank lines ignored, trailing spaces too). Each block says how to set it up in
an HTML comment on the line right above its fence, so a new block cannot be left unchecked by
accident:

    <!-- readme-test: example -->          a fresh copy of the repository's example project
                                           (sql/ and runner.ini)
    <!-- readme-test: project NAME -->     a fresh copy of test/readme/projects/NAME
    <!-- readme-test: alembic -->          a fresh copy of test/fixtures/alembic_project
    <!-- readme-test: empty -->            an empty directory
    <!-- readme-test: postgres NAME -->    test/readme/projects/NAME, and a PostgreSQL server: a
                                           throwaway cluster (scripts/pg-test-cluster) started at
                                           the first such block and stopped at the end, and a
                                           fresh database `app` on it for each block; the README's
                                           URL (PG_README below) stands for the cluster's, in the
                                           commands and in what they print. Skipped (counted as
                                           such) only where no server can be installed.
    <!-- readme-test: skip REASON -->      not run (say why)

`runner` and `scripts/runner` run the binary under test, `scripts/alembic-import` the
repository's script, `alembic` Debian's Alembic (/usr/bin/python3 -m alembic). `export NAME=VALUE`
lines set the environment for the rest of the block. DATABASE_URL and RUNNER_* variables from
the caller's environment are removed.

What differs from run to run is masked: a 12-digit hex revision id in the README stands for
whichever id the binary printed at that place, the same one everywhere in the block (and a
command's `3f2a`-style prefix of it is rewritten to the real id's prefix); dates and times,
durations (`12 ms`), user@host in audit lines and the temporary directory's path. A line `...`
stands for any number of lines (an elision).

--regenerate rewrites the expected output of every command that does not match with what the
binary printed (outputs that match, elisions included, are kept as they are).

The last line is `readme: N passed, M failed, K skipped`; the exit status is 0 when nothing failed.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

DIRECTIVE = re.compile(r"^<!--\s*readme-test:\s*(\w+)\s*(.*?)\s*-->\s*$")
HEX_ID = re.compile(r"\b[0-9a-f]{12}\b")
# Pieces of an expected line that stand for values that change from run to run.
MASKS = [
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"), r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    (re.compile(r"\d{8}-\d{6}"), r"\d{8}-\d{6}"),
    (re.compile(r"\b\d+ ms\b"), r"\d+ ms"),
    (re.compile(r"\bby [^\s@]+@\S+"), r"by [^\s@]+@\S+"),
]
# The README's PostgreSQL URL parts, and what they stand for on the test cluster.
PG_README = {"user": "root", "host": "/tmp/pgx/c", "port": "56370"}
TOKEN = re.compile("|".join("(?:%s)" % m.pattern for m, _ in MASKS) + r"|" + HEX_ID.pattern)


class Block:
    def __init__(self, line_no, directive, argument, start, end):
        self.line_no = line_no  # 1-based line of the opening fence
        self.directive = directive
        self.argument = argument
        self.start = start  # index of the first line inside the fence
        self.end = end  # index of the closing fence


def find_blocks(lines):
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == "```console":
            j = i + 1
            while j < len(lines) and lines[j].rstrip() != "```":
                j += 1
            match = DIRECTIVE.match(lines[i - 1]) if i > 0 else None
            directive, argument = (match.group(1), match.group(2)) if match else (None, "")
            blocks.append(Block(i + 1, directive, argument, i + 1, j))
            i = j
        i += 1
    return blocks


def parse_session(lines):
    """[(command, [expected lines], index of the command line)] of one block."""
    commands = []
    for index, line in enumerate(lines):
        if line.startswith("$ "):
            commands.append((line[2:], [], index))
        elif commands:
            commands[-1][1].append(line.rstrip())
        elif line.strip():
            raise ValueError("output before the first '$ ' command: %r" % line)
    for _, expected, _ in commands:
        while expected and expected[-1] == "":
            expected.pop()
    return commands


class Ids:
    """README id -> real id, one to one."""

    def __init__(self):
        self.real = {}

    def line_pattern(self, expected):
        """A regex for one expected line and the README ids it binds, in group order."""
        pattern, names, pos = "", [], 0
        for match in TOKEN.finditer(expected):
            pattern += re.escape(expected[pos:match.start()])
            text = match.group(0)
            if HEX_ID.fullmatch(text):
                if text in self.real:
                    pattern += re.escape(self.real[text])
                elif text in names:
                    pattern += "(?P=g%d)" % names.index(text)
                else:
                    pattern += "(?P<g%d>[0-9a-f]{12})" % len(names)
                    names.append(text)
            else:
                pattern += next(rx for m, rx in MASKS if m.fullmatch(text))
            pos = match.end()
        pattern += re.escape(expected[pos:])
        return re.compile(pattern + r"\Z"), names

    def match_line(self, expected, actual):
        """The new bindings if actual matches expected, else None."""
        pattern, names = self.line_pattern(expected)
        match = pattern.match(actual)
        if not match:
            return None
        bound = {}
        taken = set(self.real.values())
        for i, name in enumerate(names):
            value = match.group("g%d" % i)
            if value in taken or value in bound.values():
                return None  # two README ids cannot stand for one real id
            bound[name] = value
        return bound

    def match(self, expected, actual):
        """Whether actual (lines) matches expected (lines, `...` elisions); binds ids if so."""
        saved = dict(self.real)

        def walk(e, a):
            if e == len(expected):
                return a == len(actual)
            if expected[e] == "...":
                return any(walk(e + 1, k) for k in range(a, len(actual) + 1))
            if a == len(actual):
                return False
            bound = self.match_line(expected[e], actual[a])
            if bound is None:
                return False
            before = dict(self.real)
            self.real.update(bound)
            if walk(e + 1, a + 1):
                return True
            self.real = before
            return False

        if walk(0, 0):
            return True
        self.real = saved
        return False

    def rewrite_command(self, command):
        """The command with README ids (and unique prefixes of at least 4 digits) made real."""

        def replace(match):
            word = match.group(0)
            candidates = [k for k in self.real if k.startswith(word)]
            if len(candidates) != 1:
                return word
            return self.real[candidates[0]][:len(word)]

        return re.sub(r"(?<![0-9A-Za-z_])[0-9a-f]{4,12}(?![0-9A-Za-z_])", replace, command)


def make_bin_dir(runner, work):
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    os.symlink(os.path.abspath(runner), os.path.join(bin_dir, "runner"))
    with open(os.path.join(bin_dir, "alembic"), "w") as f:
        f.write('#!/bin/sh\nexec /usr/bin/python3 -m alembic "$@"\n')
    os.chmod(os.path.join(bin_dir, "alembic"), 0o755)
    return bin_dir


def set_up(block, where):
    if block.directive == "example":
        shutil.copytree(os.path.join(ROOT, "sql"), os.path.join(where, "sql"))
        shutil.copy(os.path.join(ROOT, "runner.ini"), where)
    elif block.directive == "project":
        source = os.path.join(HERE, "projects", block.argument)
        if not block.argument or not os.path.isdir(source):
            raise ValueError("no project %r under test/readme/projects" % block.argument)
        shutil.copytree(source, where, dirs_exist_ok=True)
    elif block.directive == "alembic":
        fixture = os.path.join(ROOT, "test", "fixtures", "alembic_project")
        shutil.copytree(fixture, where, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    elif block.directive == "postgres":
        set_up(Block(block.line_no, "project", block.argument, 0, 0), where)
    elif block.directive != "empty":
        raise ValueError("unknown readme-test directive %r" % block.directive)


class Cluster:
    """The throwaway PostgreSQL cluster of this run, started on first use."""

    def __init__(self):
        self.parent = None  # its own temporary directory, open to the server's system user
        self.dir = None
        self.settings = None
        self.unavailable = None

    def start(self):
        if self.settings is None and self.unavailable is None:
            self.parent = tempfile.mkdtemp(prefix="runner-readme-pg-")
            os.chmod(self.parent, 0o755)
            self.dir = os.path.join(self.parent, "c")
            script = os.path.join(ROOT, "scripts", "pg-test-cluster")
            result = subprocess.run([script, "start", self.dir], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, timeout=600)
            if result.returncode == 77:
                self.unavailable = result.stderr.decode("utf-8", "replace").strip()
            elif result.returncode != 0:
                raise ValueError("scripts/pg-test-cluster start failed: %s"
                                 % result.stderr.decode("utf-8", "replace").strip())
            else:
                self.settings = dict(line.split("=", 1) for line in
                                     result.stdout.decode().split("\n") if "=" in line)
        return self.settings is not None

    def fresh_app_database(self):
        env = dict(os.environ, **self.settings)
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres",
                        "-c", "SET client_min_messages = warning",
                        "-c", "DROP DATABASE IF EXISTS app WITH (FORCE)",
                        "-c", "CREATE DATABASE app"], env=env, check=True, timeout=120)

    def mapping(self):
        """(README text, real text) pairs."""
        s = self.settings
        return [("postgresql://%s:" % PG_README["user"], "postgresql://%s:" % s["PGUSER"]),
                ("postgresql://%s@" % PG_README["user"], "postgresql://%s@" % s["PGUSER"]),
                ("host=%s&port=%s" % (PG_README["host"], PG_README["port"]),
                 "host=%s&port=%s" % (s["PGHOST"], s["PGPORT"]))]

    def stop(self):
        if self.settings is not None:
            subprocess.run([os.path.join(ROOT, "scripts", "pg-test-cluster"), "stop", self.dir],
                           timeout=600)
            self.settings = None
        if self.parent is not None:
            shutil.rmtree(self.parent, ignore_errors=True)
            self.parent = None


def run_command(command, where, env):
    command = re.sub(r"(?<![\w/])scripts/runner\b", "runner", command)
    command = re.sub(r"(?<![\w/])scripts/(alembic-import|db_migrate)\b",
                     lambda m: os.path.join(ROOT, "scripts", m.group(1)), command)
    result = subprocess.run(["bash", "-c", command], cwd=where, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, timeout=600)
    text = result.stdout.decode("utf-8", "replace").replace(os.path.realpath(where), ".")
    text = text.replace(where, ".")
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def run_block(block, lines, runner, work, verbose, cluster):
    """[(index of the command line, expected, actual, ok)] for one block."""
    where = tempfile.mkdtemp(prefix="block-", dir=work)
    set_up(block, where)
    mapping = []
    if block.directive == "postgres":
        cluster.fresh_app_database()
        mapping = cluster.mapping()
    env = {k: v for k, v in os.environ.items()
           if k != "DATABASE_URL" and not k.startswith("RUNNER_")}
    env["PATH"] = make_bin_dir(runner, where + "-bin") + os.pathsep + env.get("PATH", "")
    env["TZ"] = "UTC"
    ids = Ids()
    results = []
    for command, expected, index in parse_session(lines[block.start:block.end]):
        for readme, real in mapping:
            command = command.replace(readme, real)
        export = re.fullmatch(r"export (\w+)=(\S*)", command.split("#")[0].strip())
        if export:
            value = export.group(2)
            if len(value) >= 2 and value[0] == value[-1] == "'":
                value = value[1:-1]  # as bash reads it
            env[export.group(1)] = value
            actual = []
        else:
            real = ids.rewrite_command(command)
            actual = run_command(real, where, env)
            for readme, real_text in mapping:
                actual = [line.replace(real_text, readme) for line in actual]
            if verbose:
                print("$ %s\n%s" % (real, "\n".join(actual)))
        results.append((index, expected, actual, ids.match(expected, actual)))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runner", required=True)
    parser.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()

    with open(args.readme, encoding="utf-8") as f:
        lines = f.read().split("\n")
    passed = failed = skipped = 0
    replacements = []  # (start, end, new lines), in file order
    work = tempfile.mkdtemp(prefix="runner-readme-")
    cluster = Cluster()
    try:
        for block in find_blocks(lines):
            where = "%s:%d" % (os.path.basename(args.readme), block.line_no)
            if block.directive is None:
                print("FAIL %s: a console block needs a '<!-- readme-test: ... -->' line right "
                      "above it (example, project NAME, alembic, empty or skip REASON)" % where)
                failed += 1
                continue
            if block.directive == "skip":
                if not block.argument:
                    print("FAIL %s: 'skip' needs a reason" % where)
                    failed += 1
                else:
                    skipped += 1
                continue
            try:
                if block.directive == "postgres" and not cluster.start():
                    print("SKIP %s: no PostgreSQL server here (%s)" % (where, cluster.unavailable))
                    skipped += 1
                    continue
                results = run_block(block, lines, args.runner, work, args.verbose, cluster)
            except (ValueError, subprocess.TimeoutExpired, subprocess.CalledProcessError) as error:
                print("FAIL %s: %s" % (where, error))
                failed += 1
                continue
            for index, expected, actual, ok in results:
                command_line = block.start + index
                if ok:
                    passed += 1
                    continue
                failed += 1
                print("FAIL %s:%d: %s" % (os.path.basename(args.readme), command_line + 1,
                                          lines[command_line]))
                print("  README shows:")
                print("".join("    | %s\n" % line for line in expected), end="")
                print("  runner printed:")
                print("".join("    | %s\n" % line for line in actual), end="")
                if args.regenerate:
                    end = command_line + 1 + len(expected)
                    replacements.append((command_line + 1, end, actual))
    finally:
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)

    if args.regenerate and replacements:
        for start, end, new in reversed(replacements):
            lines[start:end] = new
        with open(args.readme, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        print("rewrote %d outputs in %s" % (len(replacements), args.readme))
    print("readme: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
