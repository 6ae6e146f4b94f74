"""The build's memory (DESIGN §8): large temporary arrays go back to the system, inputs are let go when used."""
from __future__ import annotations

import platform
from datetime import date

import pytest

from pipeline.assemble import assemble_tables
from pipeline.memory import return_large_arrays_promptly
from pipeline.validate import validate_inputs


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's (mallopt)")
def test_large_arrays_setting_takes_on_glibc():
    assert return_large_arrays_promptly() is True


def test_a_consuming_build_lets_go_of_the_largest_inputs_and_computes_the_same(demo_inputs, settings_for, tmp_path):
    settings = settings_for(f"sqlite:///{tmp_path / 'unused.db'}")
    frames = validate_inputs(demo_inputs)
    kept, consumed = dict(frames), dict(frames)
    expected = assemble_tables(kept, settings, today=date(2026, 12, 1))
    got = assemble_tables(consumed, settings, today=date(2026, 12, 1), consume=True)
    assert {"workforce", "availability", "personnel_actions"} <= set(kept)
    assert not {"workforce", "availability", "personnel_actions"} & set(consumed)
    assert set(got) == set(expected)
    for name, table in expected.items():
        assert got[name].equals(table), name
