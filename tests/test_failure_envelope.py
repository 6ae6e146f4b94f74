"""One envelope for failure (STYLE.md): the decorator's answers, and no page writing the try/except again."""
from __future__ import annotations

import ast
from pathlib import Path

import dash
import pytest

from components.failure import DB_DOWN, NOT_AVAILABLE, NotAvailable, answers_failure
from tests.layouts import texts

ROOT = Path(__file__).resolve().parents[1]


class Down(Exception):
    pass


def failing(error: BaseException, **options):
    @answers_failure((Down,), **options)
    def callback(value):
        if value:
            raise error
        return "shown"
    return callback


@pytest.mark.parametrize("error,words,color", [(NotAvailable("x"), NOT_AVAILABLE, "warning"),
                                               (Down("db"), DB_DOWN, "danger")])
def test_a_failure_is_a_notice_then_emptied_then_unchanged_outputs(error, words, color):
    answer = failing(error, unchanged=2, cleared=1)(True)
    assert len(answer) == 4 and texts(answer[0]) == words and answer[0].color == color
    assert answer[1] is None and answer[2] is dash.no_update and answer[3] is dash.no_update
    assert failing(error)(False) == "shown" and texts(failing(error)(True)) == words


def test_silent_leaves_every_output_as_it_is():
    assert failing(Down(), unchanged=3, silent=True)(True) == (dash.no_update,) * 3
    assert failing(NotAvailable(), unchanged=1, silent=True)(True) is dash.no_update


def test_frame_puts_the_notice_in_its_place():
    answer = failing(Down(), frame=lambda shown: ["text", shown])(True)
    assert answer[0] == "text" and texts(answer[1]) == DB_DOWN


def test_other_errors_are_not_swallowed():
    with pytest.raises(KeyError):
        failing(KeyError("bug"))(True)


def test_no_page_repeats_the_try_except_for_the_database():
    """`except DataUnavailable` belongs to the envelope (dashboards/_shared.guarded), not to each callback."""
    repeated = []
    for path in (ROOT / "dashboards").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and "DataUnavailable" in ast.unparse(node.type or ast.Pass()):
                repeated.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not repeated, repeated
