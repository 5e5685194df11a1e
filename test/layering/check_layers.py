#!/usr/bin/env python3
"""The one direction of dependency in src/, checked on every #include (README.md, Layout).

Each folder may include only itself and the layers below it; a C library's header only in its
backend's folder; no source file over 600 lines. Given the built runner as a second argument,
also checks that it does not link libpq: PostgreSQL's client library (and the ~25 libraries it
needs) is loaded on the first PostgreSQL connection, so SQLite runs start fast. Prints every
violation, file:line, and exits 1.
"""
import pathlib
import re
import subprocess
import sys

CORE = {"util", "migration", "graph", "plan", "authoring", "schema", "lint"}
# What each folder may include besides itself (by folder under src/).
ALLOWED = {
    "util": set(),
    "migration": {"util"},
    "graph": {"util", "migration"},
    "plan": {"util", "migration", "graph"},
    "authoring": {"util", "migration", "graph", "plan"},
    "schema": {"util"},
    "lint": CORE - {"lint"},
    "db": CORE,
    "db/sqlite": CORE | {"db"},
    "db/postgres": CORE | {"db"},
    "exec": CORE | {"db"},
    "app": CORE | {"db", "present"},
    "present": CORE | {"app", "db", "exec"},
    "commands": CORE | {"db", "exec", "app", "present"},
    "cli": CORE | {"db", "exec", "app", "present", "commands"},
}
# Single files with a documented exception: the URL dispatch table names each backend's opener.
EXCEPTIONS = {
    "src/db/open.cpp": {"db/sqlite", "db/postgres"},
}
C_HEADERS = {"sqlite3.h": "db/sqlite", "libpq-fe.h": "db/postgres"}
MAX_LINES = 600


def folder_of(path: pathlib.Path, src: pathlib.Path) -> str:
    parts = path.relative_to(src).parts[:-1]
    if parts[:1] == ("db",) and len(parts) > 1:
        return "db/" + parts[1]
    return parts[0] if parts else ""


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    src = root / "src"
    problems = []
    include = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
    for path in sorted(src.rglob("*")):
        if path.suffix not in {".cpp", ".hpp"}:
            continue
        rel = path.relative_to(root).as_posix()
        here = folder_of(path, src)
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES:
            problems.append(f"{rel}: {len(lines)} lines (at most {MAX_LINES})")
        for number, line in enumerate(lines, 1):
            m = include.match(line)
            if not m:
                continue
            kind, name = m.groups()
            if kind == "<":
                owner = C_HEADERS.get(name)
                if owner and here != owner:
                    problems.append(f"{rel}:{number}: <{name}> outside src/{owner}/")
                continue
            target = folder_of(src / name, src)
            if target == here or target == "":
                continue
            if target in ALLOWED.get(here, set()) or target in EXCEPTIONS.get(rel, set()):
                continue
            # The pure statement splitter is the one file of db/postgres the core may use.
            if name.startswith("db/postgres/statement_splitter") and here in CORE | {"db"}:
                continue
            problems.append(f"{rel}:{number}: src/{here}/ includes {name} (a layer above it "
                            f"or beside it; see README.md, Layout)")
    if len(sys.argv) > 2:
        dynamic = subprocess.run(["readelf", "--dynamic", sys.argv[2]], capture_output=True,
                                 text=True, check=True).stdout
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
        if not needed:
            problems.append(f"{sys.argv[2]}: readelf shows no NEEDED entries (not a dynamic ELF?)")
        for library in needed:
            if library.startswith("libpq."):
                problems.append(f"{sys.argv[2]}: links {library} (load it with dlopen: "
                                f"src/db/postgres/libpq_api.hpp)")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} layering problem(s)")
        return 1
    print("layering: every include points down; no file over 600 lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
