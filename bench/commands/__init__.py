"""One module per ``python -m bench`` command, each with ``HELP``, ``add_arguments(parser)`` and ``main(args)``."""


def results_arguments(parser) -> None:
    """Add the options of a command whose rows go into the results file and the docs table."""
    from pathlib import Path

    from bench.report import DOCS_PATH
    from bench.results import RESULTS_PATH

    parser.add_argument("--results", type=Path, default=RESULTS_PATH,
                        help="results file to merge this run into (default bench/results/latest.json)")
    parser.add_argument("--docs", type=Path, default=DOCS_PATH, help="page whose results table is rewritten")
    parser.add_argument("--no-docs", action="store_true", help="leave the page alone (runs saved for a comparison)")


def results_publish(args, rows: list[dict]) -> None:
    """Merge a run's rows into the results file, print them, and rewrite the docs table unless ``--no-docs``."""
    from bench.cases import case_names
    from bench.report import docs_table_write, results_table
    from bench.results import results_record

    all_rows = results_record(args.results, rows, case_names())
    measured = {row["case"] for row in rows}
    print(results_table([row for row in all_rows if row["case"] in measured]))
    print(f"Wrote {args.results}.")
    if not args.no_docs:
        docs_table_write(args.docs, all_rows)
        print(f"Wrote the results table of {args.docs}.")
