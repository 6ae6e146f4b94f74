"""A change of method is said in the release notes of the first release built with the new rules (#13), and only
there: two real builds after a release made with the previous rules, and the methodology page in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from data_access.db import get_engine
from data_access.releases import METHOD_NOTES, METHOD_VERSION, list_releases, method_note, write_release
from data_access.settings import load_settings

OLD_RULES = {
    "release_id": "built-with-the-old-rules",
    "created_at": datetime(2025, 1, 1, tzinfo=UTC),
    "inputs_sha256": "0" * 64,
    "code_version": "0.9",
    "notes": "",
    "synthetic": True,
    "method_version": 1,
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory, demo_inputs):
    from pipeline.build import build_release

    root = tmp_path_factory.mktemp("method")
    settings = load_settings({"CT_EQUITY_DATA_DIR": str(root / "data"),
                              "CT_EQUITY_DATABASE_URL": f"sqlite:///{root / 'r.sqlite'}",
                              "CT_EQUITY_BOOTSTRAP_DRAWS": "50", "CT_EQUITY_BOUNDARIES": ""})
    engine = get_engine(settings.database_url)
    write_release(engine, OLD_RULES, {})
    first, second = build_release(demo_inputs, settings), build_release(demo_inputs, settings)
    return engine, first, second


def test_the_first_build_with_new_rules_says_so_and_the_next_does_not(builds):
    engine, first, second = builds
    assert METHOD_VERSION == 2 and METHOD_NOTES[2].startswith("Change of method: adverse impact now needs")
    assert first.notes[0] == METHOD_NOTES[2]
    assert not any(n.startswith("Change of method") for n in second.notes)
    stored = {r.release_id: r for r in list_releases(engine)}
    assert stored[first.release_id].notes.startswith("Change of method: adverse impact now needs all three")
    assert "Benchmark statuses are now met, on track, improving too slowly" in stored[first.release_id].notes
    assert "Change of method" not in stored[second.release_id].notes
    assert {stored[r].method_version for r in (first.release_id, second.release_id)} == {METHOD_VERSION}
    assert stored[OLD_RULES["release_id"]].method_version == 1
    assert method_note(engine) == ""  # the latest release already has today's rules


def test_a_first_release_ever_has_nothing_to_change_from(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert method_note(engine) == ""
    write_release(engine, OLD_RULES, {})
    assert method_note(engine) == METHOD_NOTES[METHOD_VERSION]


def test_the_methodology_page_shows_the_note_in_the_viewers_language(builds):
    from app import app
    from dashboards.methodology.page import METHOD_NOTE_TEXT, release_notes

    engine, first, _second = builds
    assert METHOD_NOTE_TEXT == METHOD_NOTES  # the page's message ids are the stored notes, word for word
    releases = [r for r in list_releases(engine) if r.release_id == first.release_id]
    with app.server.test_request_context("/?lang=es"):
        from components.i18n import language

        assert language() == "es"
        spanish = release_notes(releases)["notes"].iat[0]
    assert spanish.startswith("Cambio de método:") and "Change of method" not in spanish
    with app.server.test_request_context("/"):
        assert release_notes(releases)["notes"].iat[0].startswith("Change of method:")
