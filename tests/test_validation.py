"""Every rule class of DESIGN §2.2: the message names file, line, column and rule; nothing partial is written."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from pipeline.validate import ValidationError, validate_inputs


@pytest.fixture
def inputs(demo_inputs, tmp_path) -> Path:
    """A private, editable copy of the valid demo inputs."""
    target = tmp_path / "inputs"
    shutil.copytree(demo_inputs, target)
    return target


def rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def write_rows(path: Path, table: list[list[str]], **kwargs) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=kwargs.get("newline", "\n")).writerows(table)
    path.write_bytes((kwargs.get("prefix", "") + buffer.getvalue()).encode(kwargs.get("encoding", "utf-8")))


def set_cell(inputs: Path, file: str, row: int, column: str, value: str) -> None:
    """Set one cell (row 1 = first data row, i.e. file line 2)."""
    path = inputs / file
    table = rows(path)
    table[row][table[0].index(column)] = value
    write_rows(path, table)


def problems(inputs: Path) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate_inputs(inputs)
    return info.value.problems


def test_the_demo_inputs_are_valid(demo_inputs):
    frames = validate_inputs(demo_inputs)
    assert {"agencies", "workforce", "availability", "town_population", "town_measures", "measures"} <= set(frames)


CELL_CASES = [
    # file, row, column, bad value, expected words of the rule
    ("workforce.csv", 3, "headcount", "twelve", "not a whole number"),
    ("workforce.csv", 3, "headcount", "-4", "must not be negative"),
    ("workforce.csv", 3, "headcount", "1,234", "thousands separators"),
    ("workforce.csv", 3, "headcount", "NA", "left empty"),
    ("workforce.csv", 3, "headcount", "", "a value is required"),
    ("workforce.csv", 3, "headcount", "99999999999", "implausibly large"),
    ("workforce.csv", 3, "race_ethnicity", "White", "unknown code"),
    ("workforce.csv", 3, "sex", "F", "unknown code"),
    ("workforce.csv", 3, "agency_code", "XYZ", "unknown agency_code"),
    ("workforce.csv", 3, "fiscal_year", "1850", "sane range"),
    ("availability.csv", 3, "availability", "1.5", "between 0 and 1"),
    ("town_population.csv", 3, "town_geoid", "0900399999", "169 town GEOIDs"),
    ("town_measures.csv", 3, "measure_id", "no_such_measure", "unknown measure_id"),
    ("agencies.csv", 2, "agency_name", "=HYPERLINK(\"http://x\")", "spreadsheet would run it"),
    ("agencies.csv", 2, "peer_group", "Human Services", "unknown code"),
    ("equity_plans.csv", 1, "submitted_on", "03/31/2024", "ISO 8601"),
    ("equity_plans.csv", 1, "url", "javascript:alert(1)", "web address"),
    ("benchmarks.csv", 1, "metric_key", "workforce.share.martians", "metric"),
    # numbers beyond what their column can hold: whole numbers past 2**53 − 1 (beyond int64 too), decimals
    # that overflow a float64 to infinity, in every kind of numeric column
    ("personnel_actions.csv", 1, "pool", "99999999999999999999999", "too large to hold"),
    ("personnel_actions.csv", 2, "selected", "99999999999999999999999", "too large to hold"),
    ("workforce.csv", 3, "headcount", "-99999999999999999999999", "too large to hold"),
    ("workforce.csv", 3, "fiscal_year", "99999999999999999999999", "too large to hold"),
    ("training.csv", 1, "employees", "9007199254740993", "too large to hold"),
    ("equity_plans.csv", 1, "commitments_total", "1" + "0" * 30, "too large to hold"),
    ("town_measures.csv", 3, "value", "1" + "0" * 400, "too large to hold"),
    ("town_population.csv", 3, "population", "9" * 320 + ".5", "too large to hold"),
    ("availability.csv", 3, "availability", "1" + "0" * 309, "too large to hold"),
    ("contracts.csv", 1, "eligible_spend", "-" + "9" * 400, "too large to hold"),
    ("benchmarks.csv", 1, "baseline_value", "1" + "0" * 400, "too large to hold"),
    # The casework files (DESIGN §4.6); row 1 of the demo's complaints and requests is closed / decided.
    ("complaints.csv", 1, "closed_on", "2000-01-01", "closed_on is before filed_on"),
    ("complaints.csv", 1, "filed_on", "2999-01-01", "a date in the future"),
    ("complaints.csv", 1, "bases", "race;martian", "unknown code in a ;-separated list"),
    ("complaints.csv", 1, "bases", "Race", "unknown code in a ;-separated list"),
    ("complaints.csv", 1, "issues", "pay;pay", "listed twice"),
    ("complaints.csv", 1, "forum", "court", "unknown code"),
    ("complaints.csv", 1, "outcome", "won", "unknown code"),
    ("accommodations.csv", 1, "decided_on", "2000-01-01", "decided_on is before requested_on"),
    ("accommodations.csv", 1, "requested_on", "2999-12-31", "a date in the future"),
    ("accommodations.csv", 1, "kind", "parking", "unknown code"),
    ("aap_goals.csv", 1, "goal", "-3", "must not be negative"),
    ("aap_goals.csv", 1, "action", "separation", "unknown code"),
    ("equity_plans.csv", 1, "aap_decision", "parity", "unknown code"),
]


def refused(inputs: Path, env: dict) -> list[str]:
    """Run `ct-equity build` on bad inputs: it exits 2 and lists the problems, one per indented line."""
    from click.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.main, ["build", "--inputs", str(inputs)], env=env)
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.output
    return [line.strip() for line in result.output.splitlines() if line.startswith("  ")]


@pytest.mark.parametrize("file,row,column,value,rule", CELL_CASES)
def test_every_bad_cell_is_named_exits_2_and_keeps_the_published_release(cli_published, inputs, file, row, column,
                                                                         value, rule):
    """One CLI run per case: the message names file, line, column and rule; the database is untouched."""
    from data_access.db import get_engine
    from data_access.releases import current_release_id, list_releases

    set_cell(inputs, file, row, column, value)
    found = refused(inputs, cli_published["env"])
    prefix = f"{file}:{row + 1}: {column}="
    assert any(p.startswith(prefix) and rule.lower() in p.lower() for p in found), found
    engine = get_engine(cli_published["env"]["CT_EQUITY_DATABASE_URL"])
    assert current_release_id(engine) == cli_published["release_id"] and len(list_releases(engine)) == 1


def test_selected_greater_than_pool(inputs):
    path = inputs / "personnel_actions.csv"
    table = rows(path)
    pool_at, sel_at = table[0].index("pool"), table[0].index("selected")
    table[5][pool_at], table[5][sel_at] = "3", "7"
    write_rows(path, table)
    assert any(p.startswith("personnel_actions.csv:6: selected=7") and "must not exceed pool" in p
               for p in problems(inputs))


def test_numerator_greater_than_denominator(inputs):
    path = inputs / "town_measures.csv"
    table = rows(path)
    num, den = table[0].index("numerator"), table[0].index("denominator")
    line = next(i for i, r in enumerate(table[1:], 1) if r[num] and r[den])
    table[line][num], table[line][den] = "50", "10"
    write_rows(path, table)
    assert any(p.startswith(f"town_measures.csv:{line + 1}: numerator=50") for p in problems(inputs))


def test_availability_must_sum_to_one(inputs):
    path = inputs / "availability.csv"
    table = rows(path)
    at = table[0].index("availability")
    table[1][at] = f"{float(table[1][at]) + 0.2:.4f}"
    write_rows(path, table)
    assert any(p.startswith("availability.csv:") and "must sum to 1" in p for p in problems(inputs))


def test_duplicate_key_names_the_first_line(inputs):
    path = inputs / "workforce.csv"
    table = rows(path)
    table.append(table[1])
    write_rows(path, table)
    found = problems(inputs)
    assert any(f"workforce.csv:{len(table)}:" in p and "duplicate key" in p and "line 2" in p for p in found)


def test_168_towns_names_the_missing_town(inputs):
    path = inputs / "town_population.csv"
    table = rows(path)
    geoid = table[0].index("town_geoid")
    kept = [table[0]] + [r for r in table[1:] if r[geoid] != "0911001080"]  # Andover
    write_rows(path, kept)
    assert any("covers 168 of 169 towns" in p and "Andover (0911001080)" in p for p in problems(inputs))


def test_legacy_geoids_are_accepted_and_normalised(inputs):
    path = inputs / "town_population.csv"
    table = rows(path)
    geoid = table[0].index("town_geoid")
    for r in table[1:]:
        if r[geoid] == "0911001080":
            r[geoid] = "0901301080"  # Andover under the legacy Tolland County scheme
    write_rows(path, table)
    frames = validate_inputs(inputs)
    assert "0911001080" in set(frames["town_population"]["town_geoid"])
    assert "0901301080" not in set(frames["town_population"]["town_geoid"])


@pytest.mark.parametrize("change,rule,line", [
    (lambda t: [t[0] + ["extra"]] + [r + ["1"] for r in t[1:]], "unknown column", 1),
    (lambda t: [r[:-1] for r in t], "required column missing", 1),
    (lambda t: t[:1], "header only", 2),
    (lambda t: t[:3] + [t[3][:2]], "expected 6 fields, found 2", 4),
])
def test_structure_problems(inputs, change, rule, line):
    path = inputs / "workforce.csv"
    write_rows(path, change(rows(path)))
    assert any(p.startswith(f"workforce.csv:{line}:") and rule in p for p in problems(inputs))


def test_empty_file(inputs):
    (inputs / "workforce.csv").write_bytes(b"")
    assert any(p.startswith("workforce.csv:1:") and "empty" in p for p in problems(inputs))


def test_missing_required_file(inputs):
    (inputs / "measures.csv").unlink()
    assert any(p.startswith("measures.csv:") and "required file is missing" in p for p in problems(inputs))


def test_unknown_file_is_reported(inputs):
    shutil.copy(inputs / "contracts.csv", inputs / "contract.csv")
    assert any(p.startswith("contract.csv:1:") and "unknown input file" in p for p in problems(inputs))


def test_not_utf8_names_the_line(inputs):
    path = inputs / "agencies.csv"
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[3] = text[3].replace(text[3].split(",")[1], "Département", 1)
    path.write_bytes("".join(text).encode("latin-1"))
    assert any(p.startswith("agencies.csv:4:") and "UTF-8" in p for p in problems(inputs))


def test_bom_and_crlf_are_accepted(inputs):
    path = inputs / "agencies.csv"
    write_rows(path, rows(path), newline="\r\n", prefix="\ufeff")
    frames = validate_inputs(inputs)
    assert "agency_code" in frames["agencies"].columns
    assert not frames["agencies"]["agency_name"].str.endswith("\r").any()


def test_all_failures_are_listed_not_just_the_first(inputs):
    set_cell(inputs, "workforce.csv", 2, "headcount", "x")
    set_cell(inputs, "workforce.csv", 7, "sex", "q")
    set_cell(inputs, "agencies.csv", 1, "peer_group", "nope")
    found = problems(inputs)
    assert any(p.startswith("workforce.csv:3:") for p in found)
    assert any(p.startswith("workforce.csv:8:") for p in found)
    assert any(p.startswith("agencies.csv:2:") for p in found)


def test_an_outcome_without_a_closing_date_and_a_closing_date_without_an_outcome(inputs):
    set_cell(inputs, "complaints.csv", 1, "closed_on", "")
    set_cell(inputs, "complaints.csv", 2, "outcome", "")
    found = problems(inputs)
    assert any(p.startswith("complaints.csv:2: outcome=") and "an outcome without a closing date" in p for p in found)
    assert any(p.startswith("complaints.csv:3: closed_on=") and "a closing date without an outcome" in p
               for p in found)


def test_a_decision_without_its_date(inputs):
    set_cell(inputs, "accommodations.csv", 1, "decided_on", "")
    assert any(p.startswith("accommodations.csv:2: decision=") and "a decision without a decision date" in p
               for p in problems(inputs))


@pytest.mark.parametrize("file", ["complaints.csv", "accommodations.csv"])
def test_a_duplicate_case_id_names_the_first_line(inputs, file):
    path = inputs / file
    table = rows(path)
    table.append(table[3])
    write_rows(path, table)
    column = table[0][0]
    assert any(p.startswith(f"{file}:{len(table)}: {column}={table[3][0]}") and "duplicate key" in p
               and "line 4" in p for p in problems(inputs))


def test_a_goal_must_name_a_group(inputs):
    set_cell(inputs, "aap_goals.csv", 1, "race_ethnicity", "")
    set_cell(inputs, "aap_goals.csv", 1, "sex", "")
    assert any(p.startswith("aap_goals.csv:2: race_ethnicity=") and "a goal names a group" in p
               for p in problems(inputs))


def test_a_basis_only_for_an_approved_plan(inputs):
    set_cell(inputs, "equity_plans.csv", 1, "aap_decision", "disapproved")
    set_cell(inputs, "equity_plans.csv", 1, "aap_basis", "parity")
    assert any(p.startswith("equity_plans.csv:2: aap_basis=parity") and "approved" in p for p in problems(inputs))


def test_the_old_aap_status_column_is_refused(inputs):
    path = inputs / "equity_plans.csv"
    table = rows(path)
    table[0][table[0].index("aap_decision")] = "aap_status"
    write_rows(path, table)
    found = problems(inputs)
    assert any(p.startswith("equity_plans.csv:1: aap_status=aap_status") and "unknown column" in p for p in found)
    assert any(p.startswith("equity_plans.csv:1: aap_decision=") and "required column missing" in p for p in found)

