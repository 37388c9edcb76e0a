"""The current time, in one place, so tests and the demo can fix it with PEER_NOW=2026-11-21T10:00."""

from __future__ import annotations

import os
from datetime import date, datetime

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
