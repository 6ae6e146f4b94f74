"""Words for the EEO officer's casework codes (DESIGN §2, §2.1): plan decisions and bases, complaints, requests."""
from __future__ import annotations

from components.i18n import N_, _

# The Commission on Human Rights and Opportunities' decision on an affirmative action plan: (symbol, words).
AAP_DECISION = {
    "not_submitted": ("—", N_("Not submitted")),
    "pending": ("…", N_("Decision pending")),
    "approved": ("✔", N_("Approved")),
    "conditionally_approved": ("◐", N_("Conditionally approved")),
    "disapproved": ("✖", N_("Disapproved")),
}
# Why the Commission decided so.
AAP_BASIS = {
    "parity": N_("parity reached"),
    "goals_met": N_("goals met"),
    "good_faith": N_("good-faith efforts"),
}
FORUMS = {"ALL": N_("All forums"), "internal": N_("Internal investigation"),
          "chro": N_("Commission on Human Rights and Opportunities"), "eeoc": N_("EEOC")}
BASES = {
    "race": N_("Race"), "color": N_("Color"), "national_origin": N_("National origin"), "ancestry": N_("Ancestry"),
    "sex": N_("Sex"), "sexual_orientation": N_("Sexual orientation"), "gender_identity": N_("Gender identity"),
    "religion": N_("Religion"), "age": N_("Age"), "disability": N_("Disability"),
    "marital_status": N_("Marital status"), "veteran": N_("Veteran status"),
    "genetic_information": N_("Genetic information"), "retaliation": N_("Retaliation"), "other": N_("Other"),
}
ISSUES = {
    "hiring": N_("Hiring"), "promotion": N_("Promotion"), "discharge": N_("Discharge"),
    "harassment": N_("Harassment"), "terms_conditions": N_("Terms and conditions"), "pay": N_("Pay"),
    "discipline": N_("Discipline"), "accommodation": N_("Accommodation"), "other": N_("Other"),
}
OUTCOMES = {
    "no_cause": N_("No cause"), "settled": N_("Settled"), "withdrawn": N_("Withdrawn"),
    "cause_found": N_("Cause found"), "administrative_closure": N_("Administrative closure"),
    "dismissed": N_("Dismissed"),
}
KINDS = {"ALL": N_("All requests"), "disability": N_("Disability"), "religious": N_("Religious"),
         "pregnancy": N_("Pregnancy")}
ACTIONS = {"hire": N_("Hires"), "promotion": N_("Promotions"), "ALL": N_("Hires and promotions")}


def _known(value: object, words: dict) -> bool:
    return isinstance(value, str) and value in words


def aap_decision_text(decision: object) -> str:
    """The Commission's decision with its symbol ('◐ Conditionally approved'), '—' when not reported."""
    if not _known(decision, AAP_DECISION):
        return "—"
    symbol, words = AAP_DECISION[decision]
    return f"{symbol} {_(words)}"


def aap_basis_text(basis: object) -> str:
    """The basis of the Commission's decision in words ('good-faith efforts'), '' when none."""
    return _(AAP_BASIS[basis]) if _known(basis, AAP_BASIS) else ""


def aap_text(decision: object, basis: object) -> str:
    """Decision and basis together: '✔ Approved (parity reached)', '✖ Disapproved', '—' when not reported."""
    text = aap_decision_text(decision)
    why = aap_basis_text(basis)
    return _("%(decision)s (%(basis)s)", decision=text, basis=why) if why and text != "—" else text


def code_label(words: dict, code: object) -> str:
    """A code's words from one of the tables above, the code itself when unknown."""
    return _(words[code]) if _known(code, words) else str(code)
