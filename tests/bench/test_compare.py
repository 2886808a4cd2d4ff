"""`python -m bench compare`: results files before and after, each side's mean, the ratio after / before."""

import json

import pytest

from bench.__main__ import parser_build
from bench.results import result_row


def main(argv):
    args = parser_build().parse_args(argv)
    return args.main(args)


MACHINE = "2 cores x86_64, PostgreSQL 18.6, Django 6.1.3, Python 3.12.1"


def _results(path, figures, *, day="2026-12-01", module="tickets"):
    """Write a results file of (case, median, p95, queries, unit) rows."""
    rows = [result_row(case=case, module=module, median=median, p95=p95, queries=queries, unit=unit,
                       data_size="100,000 tickets", date=day, machine=MACHINE)
            for case, median, p95, queries, unit in figures]
    path.write_text(json.dumps({"cases": rows}))
    return str(path)


def test_compare_writes_each_cases_mean_and_ratio(tmp_path, capsys):
    before = _results(tmp_path / "a.json", [("inbox page (agent)", 20.0, 30.0, 7, "ms"), ("GET /healthz", 2.0, 3.0, 1, "ms"),
                                            ("gone since", 1.0, 1.0, 1, "ms")])
    after = [_results(tmp_path / "b1.json", [("inbox page (agent)", 22.0, 31.0, 6, "ms"), ("GET /healthz", 1.0, 2.0, 1, "ms")]),
             _results(tmp_path / "b2.json", [("inbox page (agent)", 24.0, 31.0, 6, "ms"), ("GET /healthz", 1.0, 2.0, 1, "ms")],
                      day="2026-12-02")]
    out = tmp_path / "comparison.md"
    main(["compare", "--before", before, "--after", *after, "--out", str(out)])
    text = out.read_text()
    assert "1 run(s) before and 2 after" in text and "2026-12-02" in text and MACHINE in text
    assert "| inbox page (agent) | 20.0 ms | 23.0 ms | 1.15 | 30.0 ms | 31.0 ms | 7 → 6 |" in text
    assert "| GET /healthz | 2.0 ms | 1.0 ms | 0.50 |" in text
    assert "gone since" not in text
    main(["compare", "--before", before, "--after", *after])
    assert "| GET /healthz | 2.0 ms | 1.0 ms | 0.50 |" in capsys.readouterr().out


def test_chat_runs_compare_beside_the_cases(tmp_path):
    before = _results(tmp_path / "a.json", [("inbox page (agent)", 20.0, 30.0, 7, "ms")])
    after = _results(tmp_path / "b.json", [("inbox page (agent)", 22.0, 31.0, 7, "ms")])
    chat_before = _results(tmp_path / "c1.json", [("live chat: customer → agent delivery", 4.0, 30.0, None, "ms"),
                                                  ("live chat: messages lost, duplicated or refused", 0, None, None, "messages")],
                           module="chat")
    chat_after = [_results(tmp_path / "c2.json", [("live chat: customer → agent delivery", 6.0, 30.0, None, "ms"),
                                                  ("live chat: messages lost, duplicated or refused", 1, None, None, "messages")],
                           module="chat"),
                  _results(tmp_path / "c3.json", [("live chat: customer → agent delivery", 4.0, 30.0, None, "ms"),
                                                  ("live chat: messages lost, duplicated or refused", 0, None, None, "messages")],
                           module="chat")]
    out = tmp_path / "comparison.md"
    main(["compare", "--before", before, "--after", after, "--chat-before", chat_before, "--chat-after", *chat_after,
          "--out", str(out)])
    text = out.read_text()
    assert "1 run(s) of `make bench` and 1 of `make bench-chat` before and 1 and 2 after" in text
    assert "| inbox page (agent) | 20.0 ms | 22.0 ms | 1.10 |" in text
    assert "| live chat: customer → agent delivery | 4.0 ms | 5.0 ms | 1.25 | 30.0 ms | 30.0 ms |  |" in text
    assert "| live chat: messages lost, duplicated or refused | 0 messages | 0.5 messages | — | — | — |  |" in text
    main(["compare", "--chat-before", chat_before, "--chat-after", chat_after[0], "--out", str(out)])
    assert "inbox page" not in out.read_text() and "| 4.0 ms | 6.0 ms | 1.50 |" in out.read_text()


@pytest.mark.parametrize("argv", [
    ["--chat-before", "c.json"],
    ["--before", "a.json"],
    [],
])
def test_compare_refuses_half_a_pair(tmp_path, argv):
    with pytest.raises(SystemExit) as exit_:
        main(["compare", *argv, "--out", str(tmp_path / "o.md")])
    assert "give --before and --after" in str(exit_.value)


def test_compare_refuses_what_is_not_a_results_file(tmp_path):
    (tmp_path / "old.txt").write_text("| case | median ms | p95 ms | SQL queries |\n")
    (tmp_path / "list.json").write_text("[1, 2]")
    for bad in ("old.txt", "list.json", "missing.json"):
        with pytest.raises(SystemExit) as exit_:
            main(["compare", "--before", str(tmp_path / bad), "--after", str(tmp_path / bad)])
        assert "cannot compare" in str(exit_.value) or "missing or empty" in str(exit_.value)


def test_a_title_heads_the_written_comparison(tmp_path):
    before = _results(tmp_path / "a.json", [("GET /healthz", 2.0, 3.0, 1, "ms")])
    after = _results(tmp_path / "b.json", [("GET /healthz", 1.0, 2.0, 1, "ms")])
    out = tmp_path / "comparison.md"
    main(["compare", "--before", before, "--after", after, "--title", "The runtime against the old one", "--out", str(out)])
    assert out.read_text().startswith("# The runtime against the old one\n\n1 run(s) before and 1 after")
