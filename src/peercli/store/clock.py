"""The current time, in one place, so tests and the demo can fix it with PEER_NOW=2026-11-21T10:00."""

from __future__ import annotations

import os
from datetime import date, datetime, tzinfo

from peercli.core.errors import PeerError


def now() -> datetime:
    """Local wall-clock time, naive, to the second."""
    fixed = os.environ.get("PEER_NOW")
    if fixed:
        try:
            return datetime.fromisoformat(fixed).replace(microsecond=0, tzinfo=None)
        except ValueError:
            raise PeerError(f"PEER_NOW='{fixed}' is not an ISO date-time (2026-11-21T10:00)") from None
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return now().date()


def local_zone() -> tzinfo | None:
    """This computer's time zone (the TZ variable, then the system's setting), or None when it
    cannot be told: then clock times are plain wall-clock times."""
    from peercli.store.calendar import local_zone_name

    name = local_zone_name()
    if not name:
        return None
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (LookupError, ValueError, OSError):
        return None
