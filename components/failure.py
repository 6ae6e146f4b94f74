"""One envelope for failure (STYLE.md): how every callback and layout answers "the data service is down" or
"that is not available", written once."""
from __future__ import annotations

import functools
from collections.abc import Callable

import dash
from flask import g, has_request_context

from .i18n import N_, _
from .shell import notice

DB_DOWN = N_("The data service is not answering right now. Please try again in a minute; "
             "nothing has been lost and the page will work again as soon as the service is back.")
NOT_AVAILABLE = N_("That selection is not available. Please choose from the lists on this page.")
NOT_FOR_KEEPING = "ct_equity_answer_not_for_keeping"  # set on `flask.g`: the response cache must not keep it


def not_for_keeping() -> None:
    """Mark this request's answer as true for now only (an outage), so no cache keeps it."""
    if has_request_context():
        setattr(g, NOT_FOR_KEEPING, True)


class NotAvailable(Exception):
    """A request names a release, filter value or chart that is not on its lists."""


def answers_failure(outages: tuple[type[BaseException], ...], unchanged: int = 0,
                    not_available: str = NOT_AVAILABLE,
                    frame: Callable[[object], object] | None = None, cleared: int = 0,
                    silent: bool = False) -> Callable[[Callable], Callable]:
    """Decorate a callback or layout: `NotAvailable` gives a warning notice and an outage a danger notice,
    (put in `frame` if given) followed by `cleared` outputs emptied and `unchanged` outputs left as they are.
    `silent` answers no notice, only the `unchanged` outputs left as they are (a figure, a link or a download
    cannot hold a notice)."""
    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except NotAvailable:
                not_for_keeping()  # values off the lists are the caller's to vary: never fill a cache with them
                shown = notice(_(not_available), "warning")
            except outages:
                not_for_keeping()
                shown = notice(_(DB_DOWN), "danger")
            if silent:
                return dash.no_update if unchanged <= 1 else (dash.no_update,) * unchanged
            shown = frame(shown) if frame else shown
            rest = [None] * cleared + [dash.no_update] * unchanged
            return (shown, *rest) if rest else shown
        return guarded
    return decorate
