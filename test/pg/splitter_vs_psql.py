#!/usr/bin/env python3
"""Differential test: the PostgreSQL statement splitter against psql and a real server.

For each SQL file, psql -f sends it statement by statement to a throwaway cluster that logs
every statement it receives (log_statement=all); the statements pg_split_dump reports must be
the same texts, in the same order. psql drops '--' comments, empty lines, a statement's leading blanks
and empty statements, so both sides are compared after removing those. Files the splitter rejects
or that hold psql meta-commands are only checked for being rejected where psql would send
something the server rejects too.

  splitter_vs_psql.py --dump build/test/pg_split_dump --cluster scripts/pg-test-cluster FILE...
Exit 0 when every file agrees, 1 otherwise, 77 when no PostgreSQL server can be had.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def normalize(text):
    text = text.replace("\r\n", "\n")
    # Whatever '--' starts on a line, drop the rest of that line: applied to both sides, this
    # equals psql's own comment removal (see the module docstring of the test).
    text = re.sub(r"--[^\r\n]*", "", text)
    text = re.sub(r"^(\s|/\*[^*]*\*/)+", "", text)  # leading blanks and simple comments
    text = re.sub(r"\n\n+", "\n", text)  # psql skips empty lines outside quotes
    return text.rstrip()


def is_empty(text):
    return re.fullmatch(r"(\s|/\*[^*]*\*/)*;?", text) is not None


def splitter_statements(dump, path):
    out = subprocess.run([dump, path], capture_output=True, check=False)
    data = open(path, "rb").read()
    result = []
    for line in out.stdout.decode().splitlines():
        kind, rest = line.split(" ", 1)
        if kind == "error":
            return None, rest
        offset, length, _ = rest.split(" ")
        text = data[int(offset):int(offset) + int(length)].decode("utf-8", "replace")
        result.append((kind, text))
    return result, None


LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] (\w+):  (.*)$")


def server_statements(log_text):
    """Statements the server received: LOG statement records, and STATEMENT records of errors
    raised before the statement could be logged (syntax errors)."""
    records = []
    for line in log_text.split("\n"):
        m = LOG_RECORD.match(line)
        if m:
            records.append([m.group(1), m.group(2)])
        elif line.startswith("\t") and records:
            records[-1][1] += "\n" + line[1:]
    statements = []
    last_logged = None
    for level, message in records:
        if level == "LOG" and message.startswith("statement: "):
            last_logged = message[len("statement: "):]
            statements.append(last_logged)
        elif level == "STATEMENT":
            if message != last_logged:
                statements.append(message)
            last_logged = None
    return statements


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dump", required=True)
    parser.add_argument("--cluster", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    cluster_dir = tempfile.mkdtemp(prefix="runner-pg-")
    started = subprocess.run([args.cluster, "start", cluster_dir], capture_output=True, text=True)
    try:
        if started.returncode == 77:
            print("skipped: " + started.stderr.strip())
            return 77
        if started.returncode != 0:
            print("pg-test-cluster start failed: " + started.stderr.strip())
            return 1
        env = dict(os.environ)
        for line in started.stdout.splitlines():
            key, value = line.split("=", 1)
            env[key] = value
        env["PGOPTIONS"] = "-c log_statement=all -c standard_conforming_strings=on"
        log_path = os.path.join(cluster_dir, "server.log")
        failures = 0
        for path in args.files:
            mine, error = splitter_statements(args.dump, path)
            if mine is not None and any(kind == "meta" for kind, _ in mine):
                print(f"skip {path}: psql meta-commands")
                continue
            before = os.path.getsize(log_path)
            subprocess.run(["psql", "-X", "-q", "-f", path], env=env, capture_output=True,
                           check=False, timeout=120)
            with open(log_path, "rb") as log:
                log.seek(before)
                theirs = server_statements(log.read().decode("utf-8", "replace"))
            theirs = [normalize(t) for t in theirs if not is_empty(normalize(t))]
            if error is not None:
                print(f"ok   {path}: rejected ({error}); psql sent {len(theirs)} statements")
                continue
            ours = [normalize(text) for kind, text in mine if kind != "copy-data"]
            if ours == theirs:
                print(f"ok   {path}: {len(ours)} statements")
                continue
            failures += 1
            print(f"FAIL {path}")
            for i in range(max(len(ours), len(theirs))):
                a = ours[i] if i < len(ours) else "(none)"
                b = theirs[i] if i < len(theirs) else "(none)"
                mark = "  " if a == b else "!="
                print(f"  {mark} splitter: {a!r}\n     psql:     {b!r}")
        return 1 if failures else 0
    finally:
        subprocess.run([args.cluster, "stop", cluster_dir], check=False)


if __name__ == "__main__":
    sys.exit(main())
