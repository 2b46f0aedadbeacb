"""The pure parts of scripts/labels.py (the hand-labelled sample of default ecosystem findings):
key order, seeded sampling, label matching across line shifts, and the verdict shares. No
ecosystem run, no network."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tests.conftest import load_script


def _load() -> ModuleType:
    return load_script("labels.py", "asynclint_labels")


labels = _load()
Finding = labels.Finding


def _f(key: str, text: str = "x()") -> object:
    return Finding(key, key.rsplit(" ", 1)[1], text)


def _label(key: str, text: str = "x()", verdict: str = "noise") -> dict[str, str]:
    return {"key": key, "code": key.rsplit(" ", 1)[1], "text": text, "verdict": verdict,
            "reason": "because"}


def test_sort_key_orders_rows_as_numbers() -> None:
    keys = ["p/a.py:10:1 ASL104", "p/a.py:9:5 ASL104", "p/a.py:9:5 ASL100"]
    assert sorted(keys, key=labels.sort_key) == ["p/a.py:9:5 ASL100", "p/a.py:9:5 ASL104",
                                                 "p/a.py:10:1 ASL104"]


def test_finding_parts_and_fingerprint() -> None:
    f = Finding("lnbits/lnbits/app.py:12:5 ASL104", "ASL104", "x")
    assert f.project == "lnbits"
    assert f.path == "lnbits/lnbits/app.py"
    assert labels.fingerprint("    foo(1)  \n") == "foo(1)"
    assert len(labels.fingerprint("y" * 500)) == labels.TEXT_WIDTH


def test_small_codes_are_sampled_whole() -> None:
    findings = [_f(f"p/a.py:{i}:1 ASL500") for i in range(1, 21)]
    assert labels.draw(findings) == sorted(findings, key=lambda f: labels.sort_key(f.key))


def test_large_codes_are_sampled_stably_whatever_the_input_order() -> None:
    findings = [_f(f"p/a.py:{i}:1 ASL104") for i in range(1, 101)]
    first = labels.draw(findings)
    assert len(first) == labels.PER_CODE
    assert labels.draw(list(reversed(findings))) == first
    assert labels.draw(findings, seed=labels.SEED + 1) != first


def test_one_codes_draw_does_not_move_when_another_code_changes() -> None:
    big = [_f(f"p/a.py:{i}:1 ASL104") for i in range(1, 101)]
    other = [_f(f"p/b.py:{i}:1 ASL106") for i in range(1, 41)]
    alone = [f for f in labels.draw(big) if f.code == "ASL104"]
    together = [f for f in labels.draw(big + other) if f.code == "ASL104"]
    assert alone == together


def test_match_exact_key() -> None:
    findings = [_f("p/a.py:3:1 ASL104")]
    matched, lost = labels.match([_label("p/a.py:3:1 ASL104")], findings)
    assert list(matched) == ["p/a.py:3:1 ASL104"] and lost == []


def test_match_follows_a_line_shift_by_text() -> None:
    findings = [_f("p/a.py:7:1 ASL104", "open(p)"), _f("p/a.py:9:1 ASL104", "other()")]
    matched, lost = labels.match([_label("p/a.py:3:1 ASL104", "open(p)")], findings)
    assert list(matched) == ["p/a.py:7:1 ASL104"] and lost == []


def test_match_needs_same_path_code_and_text() -> None:
    findings = [_f("p/b.py:3:1 ASL104", "open(p)"), _f("p/a.py:4:1 ASL105", "open(p)"),
                _f("p/a.py:5:1 ASL104", "open(q)")]
    matched, lost = labels.match([_label("p/a.py:3:1 ASL104", "open(p)")], findings)
    assert matched == {} and [r["key"] for r in lost] == ["p/a.py:3:1 ASL104"]


def test_match_gives_each_finding_one_label_nearest_row_first() -> None:
    findings = [_f("p/a.py:10:1 ASL104", "open(p)"), _f("p/a.py:30:1 ASL104", "open(p)")]
    old = [_label("p/a.py:28:1 ASL104", "open(p)", "worth"),
           _label("p/a.py:12:1 ASL104", "open(p)", "noise")]
    matched, lost = labels.match(old, findings)
    assert lost == []
    assert matched["p/a.py:30:1 ASL104"]["verdict"] == "worth"
    assert matched["p/a.py:10:1 ASL104"]["verdict"] == "noise"


def test_an_exact_key_is_not_stolen_by_a_moved_label() -> None:
    findings = [_f("p/a.py:5:1 ASL104", "open(p)")]
    old = [_label("p/a.py:2:1 ASL104", "open(p)", "worth"), _label("p/a.py:5:1 ASL104", "open(p)")]
    matched, lost = labels.match(old, findings)
    assert matched["p/a.py:5:1 ASL104"]["verdict"] == "noise"
    assert [r["key"] for r in lost] == ["p/a.py:2:1 ASL104"]


def test_tally_and_shares() -> None:
    findings = [_f(f"p/a.py:{i}:1 ASL104") for i in range(1, 5)] + [_f("p/b.py:1:1 ASL500")]
    sample = labels.draw(findings)
    matched = {"p/a.py:1:1 ASL104": _label("p/a.py:1:1 ASL104", verdict="worth"),
               "p/a.py:2:1 ASL104": _label("p/a.py:2:1 ASL104", verdict="noise"),
               "p/a.py:3:1 ASL104": _label("p/a.py:3:1 ASL104", verdict="noise"),
               "p/b.py:1:1 ASL500": _label("p/b.py:1:1 ASL500", verdict="wrong")}
    stats = labels.tally(findings, sample, matched)
    a = stats["ASL104"]
    assert (a.findings, a.sampled, a.labelled, a.worth, a.noise, a.wrong) == (4, 4, 3, 1, 2, 0)
    assert a.share("worth") == 1 / 3
    assert stats["ASL500"].share("wrong") == 1.0
    total = stats["total"]
    assert (total.findings, total.sampled, total.labelled) == (5, 5, 4)
    assert total.share("noise") == 0.5
    # weighted by findings: ASL104 (4 findings) 1/3 worth, ASL500 (1 finding) 0 worth
    assert labels.weighted_share(stats, "worth") == (4 * (1 / 3)) / 5


def test_no_labels_no_share() -> None:
    stats = labels.tally([_f("p/a.py:1:1 ASL104")], [], {})
    assert stats["ASL104"].share("worth") is None
    assert labels.weighted_share(stats, "worth") is None


def test_check_label() -> None:
    assert labels.check_label(_label("p/a.py:1:1 ASL104")) is None
    assert labels.check_label({**_label("p/a.py:1:1 ASL104"), "verdict": ""}) is not None
    assert labels.check_label({**_label("p/a.py:1:1 ASL104"), "reason": " "}) is not None
    assert labels.check_label({**_label("p/a.py:1:1 ASL104"), "code": "ASL100"}) is not None


def test_committed_labels_are_valid_and_sorted() -> None:
    rows = labels.load_labels()
    assert [r["key"] for r in rows if labels.check_label(r)] == []
    assert labels.dump_labels(rows) == (labels.LABELS.read_text(encoding="utf-8") if rows else "[]\n")


def test_where_splits_tests_docs_and_product() -> None:
    assert labels.where("aiohttp/tests/test_streams.py:1:1 ASL500") == "test"
    assert labels.where("sqlalchemy/test/base/test_concurrency.py:1:1 ASL105") == "test"
    assert labels.where("lnbits/lnbits/tests_helpers.py:1:1 ASL105") == "product"
    assert labels.where("redis/conftest.py:1:1 ASL100") == "test"
    assert labels.where("anyio/docs/snippets/why/x.py:1:1 ASL501") == "docs"
    assert labels.where("aiohttp/examples/client_ws.py:1:1 ASL105") == "docs"
    assert labels.where("lnbits/lnbits/core/views/admin_api.py:1:1 ASL103") == "product"
    assert labels.where("tests/tests.py:1:1 ASL103") == "product"  # the project is named "tests"


def test_where_test_agrees_with_the_default_test_paths() -> None:
    """The sample's notion of test code is the one the default `test-paths` applies, so the
    default run the sample measures has no ASL1/ASL4/ASL5 finding in what it calls test code."""
    from asynclint.config import Settings

    settings = Settings(root=Path("/p"))
    for rel in ("tests/test_streams.py", "test/base/x.py", "a/testing/b.py", "a/test_x.py",
                "a/x_test.py", "conftest.py", "a/conftest.py", "a/tests_helpers.py", "a/x.py",
                "docs/tests/x.py", "tests.py", "a/testing_utils.py", "examples/test_x.py"):
        tested = "ASL100" not in settings.codes_for(Path("/p") / rel)
        assert (labels.where(f"proj/{rel}:1:1 ASL100") == "test") is tested, rel


def test_product_sample_is_its_own_stable_draw() -> None:
    product = [_f(f"p/src/a.py:{i}:1 ASL104") for i in range(1, 41)]
    tests = [_f(f"p/tests/test_a.py:{i}:1 ASL104") for i in range(1, 41)]
    drawn = labels.product_sample(product + tests)
    assert len(drawn) == labels.PER_CODE
    assert all(labels.where(f.key) == "product" for f in drawn)
    assert labels.product_sample(list(reversed(tests + product))) == drawn
    assert drawn != labels.draw(product)  # a stratum of its own, not the main draw's seed
