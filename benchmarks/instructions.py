#!/usr/bin/env python
"""Instructions per request, under callgrind: ``benchmarks/instructions.py``.

Wall-clock and CPU-time timings move with whatever else the machine runs; the number of
instructions a request executes does not. This serves the entity suite's URLs (the cases of
``profile_entity.py``) in-process through Django's WSGI handler, under
``valgrind --tool=callgrind``, and prints per case the instructions per request and their
split: **query** (evaluating querysets and compiled queries: SQL compilation, the database
client's work, Django's converters), **rows** (the row builders), **encoding** (JSON) and
**framework** (everything else), the same parts as ``profile_entity.py --split``.

How: instrumentation is off while Django starts and each case is warmed up; then, per case,
the counters are zeroed, ``--requests`` requests are served with collection on and the counters
are dumped. For the split, the functions of each part are wrapped (``profile_entity.Split``)
and the same requests are served once per part with collection switched on only inside that
part's functions (``CALLGRIND_TOGGLE_COLLECT`` through ``ctypes``, from a small library
compiled at run time with ``gcc``); what one such switched call costs by itself is measured on
empty calls and taken off.

Only this process's user-space instructions are counted: PostgreSQL's and Redis's own work,
and the kernel's, are not (a Redis round trip costs far more wall time than its instructions
say). Needs ``valgrind`` (with ``callgrind.h``) and ``gcc``. Takes a few minutes (callgrind
runs Python ~50x slower).

    .venv/bin/python benchmarks/instructions.py                 # temporary SQLite, locmem config
    .venv/bin/python benchmarks/instructions.py --cache redis   # the HTTP suite's configuration
    .venv/bin/python benchmarks/instructions.py --database-url postgres://.../db --requests 20
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import importlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.profile_entity import Split, serve  # noqa: E402

PARTS = Split.PARTS

#: The callgrind client requests (C macros) as plain functions for ``ctypes``.
MARKERS_C = """
#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cg_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
void cg_zero(void) { CALLGRIND_ZERO_STATS; }
void cg_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""

CASES = {
    "index: product": "/api/entity_article.json?pagesize=100",
    "index: raw values()": "/baseline/raw/articles?pagesize=100",
    "fields=id,title: product": "/api/entity_article.json?pagesize=100&fields=id,title",
    "fields=id,title: raw values()": "/baseline/raw/articles?pagesize=100&fields=id,title",
    "node: product": "/api/node.json",
    "node: raw values()": "/baseline/raw/node",
    "retrieve: product": "/api/entity_article/{pk}.json",
    "retrieve: raw values()": "/baseline/raw/articles/{pk}",
}
#: Empty toggled calls measured to subtract what a toggled call itself costs.
CALIBRATION_CALLS = 200


def build_markers(directory: Path) -> Path:
    source, library = directory / "markers.c", directory / "markers.so"
    source.write_text(MARKERS_C)
    subprocess.run(
        ["gcc", "-O1", "-shared", "-fPIC", "-o", str(library), str(source)],
        check=True,
        timeout=60,
    )
    return library


class ToggledSplit(Split):
    """``Split`` collecting instructions only inside the functions of the ``active`` part."""

    def __init__(self, library: ctypes.CDLL) -> None:
        super().__init__()
        self.toggle = library.cg_toggle
        self.active: str | None = None
        self.calls = 0
        self.inside = False

    def timed(self, part: str, function):
        split, toggle = self, self.toggle

        def wrapper(*args, **kwargs):
            if split.depth:  # nested: counted with the outer part only
                return function(*args, **kwargs)
            split.depth += 1
            if part != split.active:
                try:
                    return function(*args, **kwargs)
                finally:
                    split.depth -= 1
            split.calls += 1
            toggle()
            try:
                return function(*args, **kwargs)
            finally:
                toggle()
                split.depth -= 1

        return wrapper

    def inclusive(self, name: str, function):
        """``function`` counted with everything it calls, wherever it is called from."""
        split, toggle = self, self.toggle

        def wrapper(*args, **kwargs):
            if split.active != name or split.inside:
                return function(*args, **kwargs)
            split.inside = True
            split.calls += 1
            toggle()
            try:
                return function(*args, **kwargs)
            finally:
                toggle()
                split.inside = False

        return wrapper

    def install_functions(self, specs: list[str]) -> None:
        """Wrap each ``module:name`` or ``module:Class.name`` (a function or a property)."""
        for spec in specs:
            module_name, _, path = spec.partition(":")
            owner: Any = importlib.import_module(module_name)
            *parents, attr = path.split(".")
            for parent in parents:
                owner = getattr(owner, parent)
            original = owner.__dict__[attr] if isinstance(owner, type) else getattr(owner, attr)
            if isinstance(original, property):
                wrapped: Any = property(self.inclusive(spec, original.fget), original.fset)
            elif isinstance(original, staticmethod | classmethod):
                wrapped = type(original)(self.inclusive(spec, original.__func__))
            else:
                wrapped = self.inclusive(spec, original)
            setattr(owner, attr, wrapped)


def child(args: argparse.Namespace) -> None:
    """Runs under callgrind, collection off: warm up, then count each case and part."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from project.demo.models import Article

    library = ctypes.CDLL(args.markers)
    library.cg_dump.argtypes = [ctypes.c_char_p]
    handler = WSGIHandler()
    pk = (
        Article.objects.filter(status=True)
        .order_by("-sticky", "-created", "-id")
        .values_list("pk", flat=True)[50]
    )
    cases = {name: path.format(pk=pk) for name, path in CASES.items() if _wanted(name, args)}
    for path in cases.values():
        serve(handler, path, 3)
    library.cg_start()
    for name, path in cases.items():
        serve(handler, path, 2)
        _settle()
        library.cg_zero()
        library.cg_toggle()
        serve(handler, path, args.requests)
        library.cg_toggle()
        library.cg_dump(f"{name}|total|{args.requests}".encode())
    if not args.split and not args.function:
        return
    split = ToggledSplit(library)
    split.install()
    split.install_functions(args.function or [])
    empty = split.timed("query", lambda: None)
    split.active = "query"
    library.cg_zero()
    for _ in range(CALIBRATION_CALLS):
        empty()
    library.cg_dump(f"calibration|query|{CALIBRATION_CALLS}".encode())
    for name, path in cases.items():
        for part in PARTS if args.split else ():
            split.active = part
            serve(handler, path, 1)
            split.calls = 0
            _settle()
            library.cg_zero()
            serve(handler, path, args.requests)
            library.cg_dump(f"{name}|{part}|{split.calls}".encode())
        for function in args.function or ():
            split.active = function
            serve(handler, path, 1)
            split.calls = 0
            _settle()
            library.cg_zero()
            serve(handler, path, args.requests)
            library.cg_dump(f"{name}|{function}|{split.calls}".encode())


def _settle() -> None:
    """Collect, then freeze what survives: the cyclic collector's runs during the measured
    requests then look at what those requests allocate only, not at whatever the process
    holds (a full collection over the warmed-up process costs millions of instructions and
    lands on one case or another by chance)."""
    gc.collect()
    gc.freeze()


def _wanted(name: str, args: argparse.Namespace) -> bool:
    return not args.only or any(word in name for word in args.only)


def read_dumps(directory: Path, requests: int) -> dict[str, dict[str, float]]:
    """Per case: instructions per request, in total and inside each part (the cost of the
    toggled calls themselves, measured on empty calls, taken off)."""
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    calls_per_request: dict[tuple[str, str], float] = {}
    for dump in directory.glob("callgrind.out.*"):
        text = dump.read_text(errors="replace")
        found = re.search(r"^desc: Trigger: Client Request: (.+)\|([^|]+)\|(\d+)$", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if found and total:
            key = (found.group(1), found.group(2))
            counts[key] = (int(total.group(1)), int(found.group(3)))
            calls_per_request[key] = int(found.group(3)) / requests
    per_call = 0.0
    if ("calibration", "query") in counts:
        instructions, calls = counts["calibration", "query"]
        per_call = instructions / calls
    results: dict[str, dict[str, float]] = {}
    for (name, part), (instructions, calls) in counts.items():
        if name == "calibration":
            continue
        if part != "total":
            instructions = max(0.0, instructions - calls * per_call)
        results.setdefault(name, {})[part] = instructions / requests
        results[name][f"{part} calls"] = calls_per_request[name, part]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--database-url", help="an existing database (migrated and seeded)")
    parser.add_argument("--requests", type=int, default=30, help="per case")
    parser.add_argument(
        "--cache",
        choices=["default", "redis", "file"],
        default="default",
        help="the cache holding the endpoint configuration (benchmarks.settings aliases)",
    )
    parser.add_argument(
        "--check-interval", type=float, help="CONFIG_CHECK_INTERVAL (default: the product's)"
    )
    parser.add_argument("--no-split", dest="split", action="store_false")
    parser.add_argument("--only", nargs="*", help="cases whose name contains one of these")
    parser.add_argument(
        "--function",
        action="append",
        help="also count this function inclusively (module:name or module:Class.name)",
    )
    parser.add_argument("--keep", help="copy the callgrind dumps to this directory")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--markers", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        url = args.database_url or f"sqlite:///{tmp_path / 'instructions.sqlite3'}"
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="benchmarks.settings",
            DATABASE_URL=url,
            DEMO_ADMIN_PASSWORD="instructions-admin",
            BENCH_CONFIG_CACHE=args.cache,
            BENCH_CONFIG_CHECK_INTERVAL=(
                "" if args.check_interval is None else str(args.check_interval)
            ),
            BENCH_CACHE_PREFIX=f"instructions-{os.getpid()}",
            PYTHONHASHSEED="0",
        )
        if not args.database_url:
            for command in (["migrate", "-v0"], ["seed_demo", "--articles", str(args.articles)]):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
        markers = build_markers(tmp_path)
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            "--collect-atstart=no",
            f"--callgrind-out-file={tmp_path / 'callgrind.out'}",
            sys.executable,
            __file__,
            "--child",
            f"--markers={markers}",
            f"--requests={args.requests}",
        ]
        if not args.split:
            command.append("--no-split")
        if args.only:
            command += ["--only", *args.only]
        for function in args.function or ():
            command.append(f"--function={function}")
        subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=7200, capture_output=True)
        results = read_dumps(tmp_path, args.requests)
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            for dump in tmp_path.glob("callgrind.out*"):
                shutil.copy(dump, args.keep)
    vendor = url.split(":", 1)[0]
    print(
        f"\ninstructions per request (thousands), callgrind, {args.requests} requests per case, "
        f"{vendor}, configuration cache {args.cache} (check interval "
        f"{'default' if args.check_interval is None else f'{args.check_interval:g}s'})"
    )
    header = f"{'case':<32}{'total':>9}"
    if args.split:
        header += "".join(f"{part:>10}" for part in PARTS) + f"{'framework':>11}"
    print(header)
    for name in CASES:
        row = results.get(name)
        if row is None:
            continue
        line = f"{name:<32}{row['total'] / 1000:>9.0f}"
        if args.split:
            rest = row["total"] - sum(row.get(part, 0.0) for part in PARTS)
            line += "".join(f"{row.get(part, 0.0) / 1000:>10.0f}" for part in PARTS)
            line += f"{rest / 1000:>11.0f}"
        print(line)
    for function in args.function or ():
        print(f"\n{function} (inclusive, thousands per request, calls per request)")
        for name in CASES:
            row = results.get(name, {})
            if function in row:
                count = row[f"{function} calls"]
                print(f"  {name:<30}{row[function] / 1000:>9.1f}{count:>8.1f}")


if __name__ == "__main__":
    main()
