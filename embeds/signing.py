"""Pure helpers of embeds (DESIGN §7): signatures, frame policy, allow-listed choices.

An embed address is `/embed/<chart_id>?<parameters>`; with CT_EQUITY_EMBED_SECRET set it must carry
`sig`, an HMAC-SHA256 over the chart id and the sorted, normalised parameters (everything but `sig`), so a
host page cannot be edited into another view. Chart images (`/png/<chart_id>`) take the same parameters.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from urllib.parse import urlencode

from components.i18n import N_, _

NOT_AVAILABLE = N_("This chart is not available. The address may name a chart, release or filter value that "
                 "does not exist.")
REFUSED = N_("This embedded chart's address has been changed or is not signed, so it is not shown. Please copy "
           "the embed code again from CT Equity Benchmarks.")
ORIGIN = re.compile(r"^(https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?|'self')$")


def pairs(params: Mapping[str, object]) -> list[tuple[str, str]]:
    """Normalised, sorted (key, value) pairs: stripped text, lists spread out, empty values dropped."""
    out = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        out += [(str(key), str(v).strip()) for v in values if v is not None and str(v).strip() != ""]
    return sorted(out)


UNSIGNED = ("sig", "lang")  # the signature itself, and the language, which changes words but not the view


def message(chart_id: str, params: Mapping[str, object]) -> bytes:
    """What is signed: the chart id and the normalised parameters except `sig` and `lang`."""
    query = urlencode([(k, v) for k, v in pairs(params) if k not in UNSIGNED])
    return f"{chart_id}?{query}".encode()


def sign(secret: str, chart_id: str, params: Mapping[str, object]) -> str:
    """HMAC-SHA256 (hex) of the chart id and parameters."""
    return hmac.new(secret.encode(), message(chart_id, params), hashlib.sha256).hexdigest()


def _digest_bytes(sig: str) -> bytes | None:
    """A signature in hex or URL-safe base64 as its 32 bytes, or None when it is neither."""
    if re.fullmatch(r"[0-9A-Fa-f]{64}", sig):
        return bytes.fromhex(sig)
    if re.fullmatch(r"[A-Za-z0-9_-]{43}=?", sig):
        try:
            return base64.urlsafe_b64decode(sig.rstrip("=") + "=")
        except (binascii.Error, ValueError):
            return None
    return None


def verify(secret: str, chart_id: str, params: Mapping[str, object]) -> bool:
    """Whether `params["sig"]` signs the chart id and the other parameters (compared in constant time)."""
    sig = params.get("sig")
    if not secret or not isinstance(sig, str):
        return False
    given = _digest_bytes(sig.strip())
    expected = hmac.new(secret.encode(), message(chart_id, params), hashlib.sha256).digest()
    return given is not None and hmac.compare_digest(given, expected)


def refusal(secret: str, chart_id: str, params: Mapping[str, object]) -> str | None:
    """The refusal message for an address that must be signed and is not (None = go ahead)."""
    return None if not secret or verify(secret, chart_id, params) else _(REFUSED)


def signed_query(secret: str, chart_id: str, params: Mapping[str, object]) -> str:
    """'?a=1&b=2&sig=…' (sorted; signed when a secret is set)."""
    items = [(k, v) for k, v in pairs(params) if k != "sig"]
    if secret:
        items.append(("sig", sign(secret, chart_id, dict(items))))
    return "?" + urlencode(items) if items else ""


def iframe_code(src: str, title: str, height: int = 520) -> str:
    """The HTML a host page pastes to show the chart."""
    return (f'<iframe src="{escape(src, quote=True)}" title="{escape(title, quote=True)}" width="100%" '
            f'height="{int(height)}" style="border:0" loading="lazy"></iframe>')


def frame_ancestors(setting: str) -> str:
    """The CSP frame-ancestors source list for embeds: the configured origins, `*` when none is configured.

    Tokens that are not origins (which could smuggle other directives in) are dropped; a setting with no
    valid origin at all allows no framing.
    """
    tokens = (setting or "").split()
    if not tokens:
        return "*"
    valid = [t.rstrip("/") for t in tokens if ORIGIN.match(t.rstrip("/"))]
    return " ".join(dict.fromkeys(valid)) or "'none'"


def is_embed_path(path: str) -> bool:
    """Whether a path (without the app's prefix) is an embed document: embed/<chart_id>."""
    parts = [p for p in (path or "").split("/") if p]
    return len(parts) == 2 and parts[0] == "embed"


def first_values(items: Iterable[tuple[str, str]]) -> dict[str, object]:
    """Query pairs as a mapping; a repeated key keeps all its values as a list (so it can be refused)."""
    out: dict[str, object] = {}
    for key, value in items:
        if key in out:
            previous = out[key]
            out[key] = [*(previous if isinstance(previous, list) else [previous]), value]
        else:
            out[key] = value
    return out


class Unavailable(Exception):
    """A parameter is not on its list: the chart is not available."""


def choose(value: str | None, allowed: Sequence[str], default: str | None) -> str:
    """The value if it is on the list, the default when it is missing; anything else is unavailable."""
    chosen = default if value in (None, "") else value if value in allowed else None
    if chosen is None:
        raise Unavailable(value)
    return chosen
