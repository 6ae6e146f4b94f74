"""Every setting has a default and help, reads from the environment, and is documented in the README."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from data_access.settings import PREFIX, SETTINGS, Settings, SettingsError, load_settings, settings_markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_in_the_readme_table():
    text = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`(CT_EQUITY_[A-Z_]+)`", text))
    missing = [PREFIX + s.name for s in SETTINGS if PREFIX + s.name not in documented]
    assert not missing, f"settings missing from README.md: {missing}"


def test_the_readme_table_is_the_one_the_settings_module_writes():
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- settings:start -->\n(.*?)\n<!-- settings:end -->", text, flags=re.S)
    assert block, "README.md lacks the <!-- settings:start --> … <!-- settings:end --> block"
    assert block.group(1) == settings_markdown_table(), "regenerate the README settings table from the module"


def test_the_code_reads_no_undocumented_variable():
    root = Path(__file__).resolve().parents[1]
    used: set[str] = set()
    for path in {*root.glob("*.py"), *root.glob("*/**/*.py")}:
        if "tests" in path.parts:
            continue
        used |= set(re.findall(r"CT_EQUITY_([A-Z_]+)", path.read_text(encoding="utf-8")))
    assert used <= {s.name for s in SETTINGS}


def test_settings_object_matches_the_declared_list():
    assert {f.name for f in fields(Settings)} == {s.name.lower() for s in SETTINGS}
    assert all(s.help.strip() for s in SETTINGS)


def test_defaults_are_the_embedded_parts(tmp_path):
    settings = load_settings({"CT_EQUITY_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'ct_equity.sqlite'}"
    assert settings.cache_url == ""
    assert settings.cache_dir == tmp_path / "cache"
    assert settings.suppression_k == 5


def test_environment_overrides_and_types():
    settings = load_settings({"CT_EQUITY_SUPPRESSION_K": "11", "CT_EQUITY_CV_HIGH": "0.2"})
    assert settings.suppression_k == 11 and settings.cv_high == 0.2


def test_bad_value_names_the_variable():
    with pytest.raises(SettingsError, match="CT_EQUITY_PORT"):
        load_settings({"CT_EQUITY_PORT": "eighty"})
