"""One envelope for failure (STYLE.md): how every callback and layout answers "the data service is down" or
"that is not available", written once."""
from __future__ import annotations

import functools
from collections.abc import Callable

import dash

from .i18n import N_, _
from .shell import notice

DB_DOWN = N_("The data service is not answering right now. Please try again in a minute; "
             "nothing has been lost and the page will work again as soon as the service is back.")
NOT_AVAILABLE = N_("That selection is not available. Please choose from the lists on this page.")


class NotAvailable(Exception):
    """A request names a release, filter value or chart that is not on its lists."""


def answers_failure(outages: tuple[type[BaseException], ...], unchanged: int = 0,
                    not_available: str = NOT_AVAILABLE,
                    frame: Callable[[object], object] | None = None) -> Callable[[Callable], Callable]:
    """Decorate a callback or layout: `NotAvailable` gives a warning notice and an outage a danger notice,
    (put in `frame` if given) followed by `unchanged` outputs left as they are."""
    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except NotAvailable:
                shown = notice(_(not_available), "warning")
            except outages:
                shown = notice(_(DB_DOWN), "danger")
            shown = frame(shown) if frame else shown
            return (shown, *[dash.no_update] * unchanged) if unchanged else shown
        return guarded
    return decorate
