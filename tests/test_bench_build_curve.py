"""`ct-equity bench --build-scales`: the build's cost curve is judged against DESIGN §8's budget of each scale."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bench.budgets import BUDGETS
from bench.build_scales import BUILD_SCALE_BUDGETS, curve_results, curve_svg, employees, parse_scales


def _point(scale, employees, seconds, mb):
    budget_s, budget_mb = BUILD_SCALE_BUDGETS.get(scale, (None, None))
    return {"scale": scale, "employees": employees, "generate_seconds": 1.0, "build_seconds": seconds,
            "build_peak_memory_mb": mb, "budget_seconds": budget_s, "budget_memory_mb": budget_mb,
            "passed": None if budget_s is None else seconds <= budget_s and mb <= budget_mb}


def test_budgets_are_those_of_design_section_8():
    assert BUDGETS["build_seconds"].limit == 20 and BUDGETS["build_peak_memory_mb"].limit == 1024
    assert BUILD_SCALE_BUDGETS[10] == (20, 1024) and BUILD_SCALE_BUDGETS[50] == (120, 4096)


def test_scales_are_parsed_and_checked():
    assert parse_scales("50,1,10,10") == [1, 10, 50]
    for bad in ("", "0", "1,101", "a"):
        with pytest.raises(ValueError):
            parse_scales(bad)


def test_scale_50_gets_its_own_lines_judged_against_its_own_budget():
    points = [_point(1, 40_000, 3.0, 300), _point(10, 400_000, 15.0, 900), _point(50, 2_000_000, 130.0, 3000)]
    lines = {r.key: r for r in curve_results(points)}
    assert set(lines) == {"build_seconds_scale50", "build_peak_memory_mb_scale50"}  # 10: the main lines; 1: none
    assert lines["build_seconds_scale50"].passed is False and lines["build_seconds_scale50"].budget == 120
    assert lines["build_peak_memory_mb_scale50"].passed is True
    assert "2,000,000 employees" in lines["build_seconds_scale50"].note


def test_curve_svg_draws_each_scale_and_the_budgets():
    points = [_point(1, 40_000, 3.0, 300), _point(10, 400_000, 15.0, 900), _point(50, 2_000_000, 110.0, 3000)]
    svg = curve_svg(points, "2 cores, Linux")
    root = ET.fromstring(svg)  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert len(root.findall(f"{ns}circle")) == 6  # three scales in each of the two panels
    dashed = [e for e in root.findall(f"{ns}line") if e.get("stroke-dasharray")]
    assert len(dashed) == 4  # budgets of scales 10 and 50, in both panels
    texts = " ".join(e.text or "" for e in root.iter(f"{ns}text"))
    assert "110 s" in texts and "3,000 MB" in texts and "2,000k (×50)" in texts and "2 cores" in texts


def test_employees_are_the_latest_years_headcount(tmp_path):
    (tmp_path / "workforce.csv").write_text(
        "fiscal_year,agency_code,job_category,race_ethnicity,sex,headcount\n"
        "2023,A,x,y,f,100\n2024,A,x,y,f,7\n2024,B,x,y,m,5\n", encoding="utf-8")
    assert employees(tmp_path) == 12
