"""Command-line entry point: `python -m ingest.cli {build,query,summary,docs}`."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="ingest the documents, build and check the warehouse, publish it")
    b.add_argument("--jobs", type=int, default=2, help="documents ingested in parallel (default 2)")
    b.add_argument("--force", action="store_true",
                   help="rebuild and re-run every check even when no input changed")
    q = sub.add_parser("query", help="run read-only SQL against the published warehouse")
    q.add_argument("sql")
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true")
    fmt.add_argument("--json", action="store_true")
    sub.add_parser("summary", help="documents, coverage and checks of the published warehouse")
    sub.add_parser("docs", help="build dbt docs as one static HTML file (target/static_index.html)")
    args = parser.parse_args(argv)

    if args.command == "build":
        from ingest.build import build

        return build(jobs=args.jobs, force=args.force)
    if args.command == "query":
        from ingest.query import run_query

        return run_query(args.sql, "csv" if args.csv else "json" if args.json else "table")
    if args.command == "summary":
        from ingest.build import warehouse_path
        from ingest.summary import print_summary

        return print_summary(warehouse_path(), None, None, None)
    if args.command == "docs":
        from ingest.build import build_docs, warehouse_path

        page = build_docs(warehouse_path())
        print(f"docs: {page}" if page else "docs: failed (see build/logs/dbt.log)")
        return 0 if page else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
