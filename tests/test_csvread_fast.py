"""The polars fast path of reading an input CSV gives exactly what the strict line-by-line reader gives."""
from __future__ import annotations

import pytest

import pipeline.csvread as csvread
from pipeline.contract import SPECS

CASES = {
    "crlf, padded and non-breaking spaces": ("agencies", b"agency_code,agency_name,peer_group\r\n"
                                             b"A1, Agency One ,large\r\nA2,Ag\xc2\xa0Two\xc2\xa0,small\r\n"),
    "no final line break, empty cells": ("training", b"fiscal_year,agency_code,employees,completed\n"
                                         b"2024,A1,,3\n2025,A1,4,"),
    "byte-order mark, columns reordered": ("training", b"\xef\xbb\xbfagency_code,fiscal_year,completed,employees\n"
                                           b"A1,2024,1,2\n"),
    "header only": ("training", b"fiscal_year,agency_code,employees,completed\n"),
    "unknown and missing columns": ("training", b"fiscal_year,agency_code,employees,extra\n2024,A1,1,1\n"),
    "repeated column": ("training", b"fiscal_year,fiscal_year,employees,completed\n2024,A1,1,1\n"),
    "ragged and blank lines (strict reader)": ("training", b"fiscal_year,agency_code,employees,completed\n"
                                               b"2024,A1,1,1\n2024,A1,1,1,2\n\n2025,A1,1"),
    "quoted field (strict reader)": ("training", b'fiscal_year,agency_code,employees,completed\n"2024",A1,1,1\n'),
}


def _read(path, spec, fast: bool, monkeypatch):
    if not fast:
        monkeypatch.setattr(csvread, "_plain_rows", lambda *_args: None)
    problems = csvread.Problems()
    table = csvread.read_raw(path, spec, problems)
    monkeypatch.undo()
    return table, problems.lines()


@pytest.mark.parametrize("case", sorted(CASES))
def test_fast_and_strict_readers_agree(case, tmp_path, monkeypatch):
    name, data = CASES[case]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(data)
    fast, fast_problems = _read(path, SPECS[name], True, monkeypatch)
    strict, strict_problems = _read(path, SPECS[name], False, monkeypatch)
    assert fast_problems == strict_problems
    assert (fast is None) == (strict is None)
    if fast is not None:
        assert fast.frame.equals(strict.frame) and list(fast.frame.dtypes) == list(strict.frame.dtypes)
        assert fast.lines.tolist() == strict.lines.tolist()


def test_plain_files_take_the_fast_path_and_odd_ones_do_not():
    spec = SPECS["training"]
    header = "fiscal_year,agency_code,employees,completed\n"
    assert csvread._plain_rows(header + "2024,A1,1,1\n", spec) is not None
    for odd in ('"2024",A1,1,1\n', "2024,A1,1\n", "2024,A1,1,1\n\n2024,A2,1,1\n", "2024,A\x01,1,1\n"):
        assert csvread._plain_rows(header + odd, spec) is None, odd
