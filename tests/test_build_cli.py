"""`ct-equity build`: a valid build writes a draft with every table; a bad one exits 2 and changes nothing."""
from __future__ import annotations

import shutil

from click.testing import CliRunner
from sqlalchemy import func, select

import cli
from data_access.db import get_engine
from data_access.releases import current_release_id, list_releases
from data_access.schema import RELEASE_TABLES


def test_demo_release_has_every_table(published_demo):
    engine = get_engine(published_demo["settings"].database_url)
    release_id = published_demo["release_id"]
    empty = []
    with engine.connect() as conn:
        for name, table in RELEASE_TABLES.items():
            n = conn.execute(select(func.count()).select_from(table).where(table.c.release_id == release_id))
            if n.scalar_one() == 0:
                empty.append(name)
    assert not empty, f"tables the demo build left empty: {empty}"


def test_bad_inputs_exit_2_and_keep_the_published_release(cli_published, demo_inputs, tmp_path):
    env = cli_published["env"]
    first = cli_published["output"]  # `ct-equity build --publish` of the demo inputs, run once per session
    engine = get_engine(env["CT_EQUITY_DATABASE_URL"])
    published = current_release_id(engine)
    assert published and "Draft release" in first and "rows" in first and f"Published {published}." in first

    broken = tmp_path / "broken"
    shutil.copytree(demo_inputs, broken)
    path = broken / "workforce.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[-1] = "-3"
    lines[1] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = CliRunner().invoke(cli.main, ["build", "--inputs", str(broken)], env=env)
    assert second.exit_code == 2
    assert "workforce.csv:2: headcount=-3 — must not be negative" in second.output
    assert "nothing was written" in second.output
    assert current_release_id(engine) == published
    assert len(list_releases(engine)) == 1
