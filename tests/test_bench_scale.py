"""benchmarks/scale.py's verdict (a pure function on the figures of the two datasets)."""

from benchmarks.scale import report


def figures(queries, cpu_ms, status=200, **extra):
    return {"status": status, "queries": queries, "cpu_ms": cpu_ms, "bytes": 2048, **extra}


def test_the_same_queries_and_a_small_ratio_pass():
    table, failures = report({"home": figures(4, 6.0)}, {"home": figures(4, 12.0)},
                             larger_by_design={})
    assert failures == []
    assert "| home | 200, 200 | 4 → 4 | 6.0 → 12.0 | 2.00× | 2.0 → 2.0 |" in table


def test_a_query_count_that_grows_is_a_failure():
    _table, failures = report({"sitemap": figures(38, 29.0)},
                              {"sitemap": figures(2038, 30.0)}, larger_by_design={})
    assert failures == ["sitemap: 38 queries on the small dataset, 2038 on the large one"]


def test_a_query_count_that_shrinks_is_a_failure_too():
    _table, failures = report({"x": figures(5, 1.0)}, {"x": figures(4, 1.0)},
                              larger_by_design={})
    assert len(failures) == 1


def test_exports_may_run_one_query_more_per_chunk():
    small = {"export": figures(12, 7.0)}
    assert report(small, {"export": figures(20, 7.0, allowed_extra_queries=10)},
                  larger_by_design={})[1] == []
    assert report(small, {"export": figures(31081, 7.0, allowed_extra_queries=10)},
                  larger_by_design={})[1]


def test_a_cpu_ratio_above_three_is_a_failure_unless_larger_by_design():
    small, large = {"groups": figures(5, 16.0)}, {"groups": figures(5, 340.0)}
    _table, failures = report(small, large, larger_by_design={})
    assert failures == ["groups: CPU 16.0 → 340.0 ms, 21.2× (more than 3×)"]
    table, failures = report(small, large, larger_by_design={"groups": "every group"})
    assert failures == []
    assert "(larger by design)" in table and "- groups: every group" in table


def test_a_missing_view_is_reported_not_failed():
    table, failures = report({"venue feed": {"missing": "404"}},
                             {"venue feed": {"missing": "404"}}, larger_by_design={})
    assert failures == [] and "| venue feed | missing (404) |" in table


def test_an_error_or_a_redirect_is_a_failure():
    _table, failures = report({"home": figures(0, 0.1, status=301)},
                              {"home": figures(0, 0.1, status=500)}, larger_by_design={})
    assert failures == ["home: HTTP 301 on the small dataset",
                        "home: HTTP 500 on the large dataset"]


def test_an_interrupted_view_is_a_failure():
    table, failures = report({"triage": figures(27, 110.0)},
                             {"triage": {"interrupted": 10, "queries": 20}},
                             larger_by_design={})
    assert failures == ["triage: its SQL ran more than 10 s on the large dataset "
                        "(interrupted)"]
    assert "| triage | interrupted on the large dataset (SQL over 10 s) |" in table
