"""Command-line entry point: `python -m ingest.cli {build,query,summary,docs}`.

Exit codes (also what `make build` returns): 0 every check passed; 1 a check failed (the
warehouse is published with the failure flagged) or the models did not build; 2 bad input
or a warehouse that could not be published safely (nothing published).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _safe_streams() -> None:
    """Output never crashes on the terminal: an ASCII locale gets escapes, not a traceback.

    (`LC_ALL=C` makes Python's stdout ASCII; Japanese labels would raise UnicodeEncodeError.)
    """
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _coverage(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a share between 0 and 1, e.g. 0.9")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="ingest the documents, build and check the warehouse, publish it")
    b.add_argument("--jobs", type=int, default=2, help="documents ingested in parallel (default 2)")
    b.add_argument("--force", action="store_true",
                   help="rebuild and re-run every check even when no input changed")
    b.add_argument("--require-coverage", type=_coverage, default=None, metavar="SHARE",
                   help="exit 1 when a document has less than this share of its printed "
                        "figures captured (e.g. 0.9); the summary warns below 0.8 anyway")
    b.add_argument("--project-dir", type=Path, default=None,
                   help="the project to build (default: this checkout)")
    q = sub.add_parser("query", help="run read-only SQL against the published warehouse")
    q.add_argument("sql")
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true")
    fmt.add_argument("--json", action="store_true")
    sub.add_parser("summary", help="documents, coverage and checks of the published warehouse")
    sub.add_parser("docs", help="build dbt docs as one static HTML file (target/static_index.html)")
    args = parser.parse_args(argv)
    _safe_streams()

    if args.command == "build":
        from ingest.warehouse.build import ROOT, build

        if args.jobs < 1:
            parser.error("--jobs must be at least 1")
        root = args.project_dir.resolve() if args.project_dir else ROOT
        return build(jobs=args.jobs, root=root, force=args.force,
                     require_coverage=args.require_coverage)
    if args.command == "query":
        from ingest.warehouse.query import run_query

        return run_query(args.sql, "csv" if args.csv else "json" if args.json else "table")
    if args.command == "summary":
        from ingest.warehouse.build import warehouse_path
        from ingest.warehouse.summary import print_summary

        return print_summary(warehouse_path(), None, None, None)
    if args.command == "docs":
        from ingest.warehouse.build import build_docs, warehouse_path

        page = build_docs(warehouse_path())
        print(f"docs: {page}" if page else "docs: failed (see build/logs/dbt.log)")
        return 0 if page else 1
    return 2


def run(argv: list[str] | None = None) -> int:
    """`main`, ending cleanly when the reader goes away (`| head`) or on Ctrl-C."""
    try:
        code = main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader closed the pipe: stop quietly; point stdout at /dev/null so the
        # interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(run())
