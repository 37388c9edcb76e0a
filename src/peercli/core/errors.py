"""The one exception type for problems the user can fix; rendered in one place (app.main)."""

from __future__ import annotations


class PeerError(Exception):
    """A user-facing problem: bad input, not found, refused. Exit code 1, no traceback.

    The message must never contain record contents (names, notes) beyond what the user typed
    on this command line.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    exit_code = 1  # 2 for UsageError


class UsageError(PeerError):
    """The command line itself is wrong: a missing required argument, flags that contradict each
    other. Exit code 2, as for any usage error; one line naming the flags."""

    exit_code = 2
