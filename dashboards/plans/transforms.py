"""Pure transforms behind `/equity-plans`: the directory of agency equity plans, its search and summary."""
from __future__ import annotations

import math
import re

import pandas as pd

from components.casework_words import aap_text
from components.data_text import peer_group_label
from components.formatting import count, percent
from components.i18n import N_, _

STATUS_WORDS = {
    "not_started": N_("Not started"),
    "drafting": N_("Drafting"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "published": N_("Published"),
}
NO_PLAN = "none"
NO_PLAN_WORDS = N_("No plan reported")
STATUS_COLOURS = {"not_started": "#D55E00", "drafting": "#E69F00", "submitted": "#F0E442",
                  "approved": "#56B4E9", "published": "#0072B2", NO_PLAN: "#999999"}
ALL = "all"
SEARCH_MAX = 60
_UNSAFE = re.compile(r"[^0-9A-Za-z '&.,()-]+")
COLUMNS = ["agency_code", "agency_name", "peer_group", "status", "submitted_on", "approved_on", "url",
           "commitments_total", "commitments_met", "aap_decision", "aap_basis"]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def clean_search(text: object) -> str:
    """Search text allow-listed (letters, digits, space, - ' & . , ( )), spaces collapsed, ≤ 60 chars."""
    if not isinstance(text, str):
        return ""
    return " ".join(_UNSAFE.sub(" ", text[: SEARCH_MAX * 4]).split())[:SEARCH_MAX].strip()


def safe_url(url: object) -> str | None:
    """The plan's address if it is an http(s) URL, else None (validation already guarantees it)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if re.match(r"^https?://[^\s\"'<>]+$", url, flags=re.IGNORECASE) else None


def directory(plans: pd.DataFrame, agencies: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every agency with its plan of the year (status `none` when it reported none), sorted by agency name."""
    chosen = plans[plans["plan_year"] == year].drop(columns="plan_year")
    out = agencies.merge(chosen, on="agency_code", how="left")
    out["status"] = out["status"].where(out["status"].isin(list(STATUS_WORDS)), NO_PLAN)
    return out[COLUMNS].sort_values(["agency_name", "agency_code"], ignore_index=True)


def filter_directory(frame: pd.DataFrame, status: str, peer: str, search: str) -> pd.DataFrame:
    """The directory narrowed by status, peer group and search text (in name, code or peer group)."""
    out = frame
    if status != ALL:
        out = out[out["status"] == status]
    if peer != ALL:
        out = out[out["peer_group"] == peer]
    if search:
        needle = search.casefold()
        text = (out["agency_name"] + " " + out["agency_code"] + " " + out["peer_group"]).str.casefold()
        out = out[text.str.contains(needle, regex=False)]
    return out.reset_index(drop=True)


def status_words(status: str) -> str:
    return _(STATUS_WORDS.get(status, NO_PLAN_WORDS))


def aap_words(decision: object, basis: object) -> str:
    """The Commission's decision on the affirmative-action plan and its basis in words, '—' when not reported."""
    return aap_text(decision, basis)


def commitments(met: object, total: object) -> str:
    """'9 of 13' commitments met, '—' when not reported."""
    if _missing(total) or int(total) == 0:
        return "—"
    return _("%(met)s of %(total)s", met=count(0 if _missing(met) else int(met)), total=count(int(total)))


def directory_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The directory as readable columns (the data table and the CSV download)."""
    return pd.DataFrame({
        "agency": frame["agency_name"].tolist(),
        "agency_code": frame["agency_code"].tolist(),
        "peer_group": [peer_group_label(p) for p in frame["peer_group"]],
        "status": [status_words(s) for s in frame["status"]],
        "submitted_on": ["" if _missing(d) or not d else str(d) for d in frame["submitted_on"]],
        "approved_on": ["" if _missing(d) or not d else str(d) for d in frame["approved_on"]],
        "plan_url": [safe_url(u) or "" for u in frame["url"]],
        "commitments_met": [commitments(m, t)
                            for m, t in zip(frame["commitments_met"], frame["commitments_total"])],
        "aap_decision": [aap_words(d, b) for d, b in zip(frame["aap_decision"], frame["aap_basis"])],
    })


DIRECTORY_LABELS = {"agency": N_("Agency"), "agency_code": N_("Code"), "peer_group": N_("Peer group"),
                    "status": N_("Plan status"), "submitted_on": N_("Submitted"), "approved_on": N_("Approved"),
                    "plan_url": N_("Plan (link)"),
                    "commitments_met": N_("Commitments met"), "aap_decision": N_("Affirmative-action plan")}


def status_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """Agencies per status, in the order of the plan process (statuses with no agency are kept as 0)."""
    order = [*STATUS_WORDS, NO_PLAN]
    counts = frame["status"].value_counts()
    rows = [(status_words(s), int(counts.get(s, 0)), s) for s in order if s != NO_PLAN or counts.get(s, 0)]
    return pd.DataFrame(rows, columns=["status", "agencies", "status_code"])


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else _("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def summary_sentence(everyone: pd.DataFrame, shown: pd.DataFrame, year: int, filters: str) -> str:
    """'14 of 39 agencies have published their 2025 plan; …', then what the filters show."""
    total = len(everyone)
    if total == 0:
        return _("This release lists no agencies.")
    counts = everyone["status"].value_counts()
    text = _("%(published)s of %(total)s agencies have published their %(year)s equity plan",
             published=count(int(counts.get("published", 0))), total=count(total), year=year)
    others = [_(words, num=count(int(counts[s]))) for s, words in (
        ("approved", N_("%(num)s approved but not yet published")), ("submitted", N_("%(num)s submitted")),
        ("drafting", N_("%(num)s being drafted")), ("not_started", N_("%(num)s not started"))) if counts.get(s, 0)]
    if others:
        text += "; " + _join(others)
    if counts.get(NO_PLAN, 0):
        text += "; " + _("%(num)s reported no plan", num=count(int(counts[NO_PLAN])))
    text += "."
    planned = everyone.dropna(subset=["commitments_total"])
    if not planned.empty and planned["commitments_total"].astype(float).sum() > 0:
        met = planned["commitments_met"].fillna(0).astype(float).sum()
        whole = planned["commitments_total"].astype(float).sum()
        text += " " + _("Across all plans, %(met)s of %(total)s commitments are met (%(share)s).",
                        met=count(int(met)), total=count(int(whole)), share=percent(met / whole))
    if filters:
        text += " " + _("Showing %(shown)s of %(total)s agencies (%(filters)s).", shown=count(len(shown)),
                        total=count(total), filters=filters)
    return text


def filter_words(status: str, peer: str, search: str) -> str:
    """The active filters in words, empty when none is active."""
    parts = []
    if status != ALL:
        parts.append(_("status %(status)s", status=status_words(status).lower()))
    if peer != ALL:
        parts.append(_("peer group %(peer)s", peer=peer_group_label(peer)))
    if search:
        parts.append(_("matching “%(search)s”", search=search))
    return ", ".join(parts)
