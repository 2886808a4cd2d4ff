"""One module per ``python -m bench`` command, each with ``HELP``, ``add_arguments(parser)`` and ``main(args)``."""


def results_publish(args, rows: list[dict]) -> None:
    """Merge a run's rows into the results file, print them, and rewrite the docs table unless ``--no-docs``."""
    from bench.cases import case_names
    from bench.report import docs_table_write, results_table
    from bench.results import results_record

    all_rows = results_record(args.results, rows, case_names())
    print(results_table(rows))
    print(f"Wrote {args.results}.")
    if not args.no_docs:
        docs_table_write(args.docs, all_rows)
        print(f"Wrote the results table of {args.docs}.")
