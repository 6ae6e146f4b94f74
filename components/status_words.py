"""Benchmark statuses in words (DESIGN §4.4, §11): counts, phrases and changes, always a word and a symbol.

The six statuses of `data_access.codes.BENCHMARK_STATUSES`, in the order a reader meets them: from the target
reached to too little data to judge. Every phrase carries the status's symbol beside its word, never colour alone.
"""
from __future__ import annotations

from collections.abc import Mapping

from .formatting import status_label
from .i18n import _, ngettext

STATUS_ORDER = ("met", "on_track", "improving_too_slowly", "no_detectable_change", "moving_away",
                "insufficient_data")


def status_text(status: str | None) -> str:
    """'↗ On track': the symbol and word of a status ('—' for none, e.g. a suppressed row)."""
    if not isinstance(status, str) or not status:
        return "—"
    word, symbol = status_label(status)
    return f"{symbol} {word}".strip()


def _phrase(status: str, n: int) -> str:
    if status == "met":
        return ngettext("%(num)s has met its target", "%(num)s have met their target", n)
    if status == "on_track":
        return ngettext("%(num)s is on track", "%(num)s are on track", n)
    if status == "improving_too_slowly":
        return ngettext("%(num)s is improving, but too slowly", "%(num)s are improving, but too slowly", n)
    if status == "no_detectable_change":
        return ngettext("%(num)s shows no change beyond noise", "%(num)s show no change beyond noise", n)
    if status == "moving_away":
        return ngettext("%(num)s is moving away from its target", "%(num)s are moving away from their target", n)
    return ngettext("%(num)s does not have enough data yet", "%(num)s do not have enough data yet", n)


def status_phrase(status: str, n: int) -> str:
    """'↗ 2 are on track': how many benchmarks have a status, with its symbol, singular or plural."""
    return f"{status_label(status)[1]} {_phrase(status, n)}"


def status_phrases(counts: Mapping[str, int]) -> list[str]:
    """A phrase per status with a count, in STATUS_ORDER (unknown statuses are left out)."""
    return [status_phrase(s, int(counts[s])) for s in STATUS_ORDER if counts.get(s)]


def listed(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' in the viewer's language."""
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(items)s and %(last)s", items=", ".join(parts[:-1]), last=parts[-1])


def status_counts(counts: Mapping[str, int]) -> str:
    """'✔ 1 has met its target, ↗ 2 are on track': the phrase of each status with a count, in STATUS_ORDER ('' when
    none) — whole phrases with their plural forms, never a number glued to a badge word (it cannot agree in
    Spanish)."""
    return ", ".join(status_phrases(counts))


def status_change(old: str | None, new: str | None) -> str:
    """A benchmark's status change between two releases: '↘ Moving away from the target (was ↗ On track)'."""
    if not old:
        return _("%(new)s (new)", new=status_text(new))
    if not new:
        return _("no status now (was %(old)s)", old=status_text(old))
    return _("%(new)s (was %(old)s)", new=status_text(new), old=status_text(old))
