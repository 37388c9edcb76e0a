"""Asking before a command changes something a person may not mean to change.

One convention for every such command (docs/prompts.md):
- ``--yes`` skips the question.
- Without a terminal (or with ``--no-input``) and without ``--yes``, the command refuses with
  one line naming ``--yes``, and exits 1; nothing changes.
- A "no" at the question is not an error: "Nothing changed." on stdout (``{"changed": false}``
  with ``--json``), exit 0.
- Irreversible actions (erasing a person) ask the person to type the name or the id instead of
  pressing y; an empty answer, or one that does not match, changes nothing and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

NOTHING_CHANGED = "Nothing changed."


def nothing_changed(*, as_json: bool, why: str | None = None, reason: str = "declined"
                    ) -> NoReturn:
    """Stop the command after a "no": one line on stdout (with --json, ``{"changed": false,
    "reason": REASON}``), exit 0."""
    import typer

    from peercli.cli.render import echo, print_json

    if as_json:
        print_json({"changed": False, "reason": reason})
    else:
        echo(NOTHING_CHANGED if why is None else f"{NOTHING_CHANGED[:-1]}: {why}.")
    raise typer.Exit(0)


def _may_ask(yes: bool, refusal: str) -> bool:
    """False when --yes was given; True when a person can be asked; else the refusal."""
    if yes:
        return False
    from peercli.cli import runtime
    from peercli.core.errors import PeerError

    if not runtime.can_prompt():
        raise PeerError(refusal)
    return True


def proceed_or_stop(question: str, *, yes: bool, refusal: str, as_json: bool = False,
                    before: Callable[[], None] | None = None) -> None:
    """Ask ``question`` (default No) unless --yes; a "no" ends the command ("Nothing changed.").

    ``refusal`` is the one-line error without a terminal; it must name --yes. ``before`` runs
    only when the question is asked (to show what the answer is about)."""
    if not _may_ask(yes, refusal):
        return
    from peercli.cli.prompts import confirm

    if before is not None:
        before()

    if not confirm(question, default=False):
        nothing_changed(as_json=as_json)


def typed_or_stop(warning: list[str], *, name: str, record_id: int, yes: bool, refusal: str,
                  as_json: bool = False) -> None:
    """For what cannot be undone: show the ``warning`` lines, then ask for the record's name or
    id typed in full (as GitHub asks before deleting a repository), unless --yes."""
    if not _may_ask(yes, refusal):
        return
    from peercli.cli.prompts import text
    from peercli.cli.render import echo
    from peercli.core.confirm import typed_confirmation

    for line in warning:
        echo(line, err=True)
    answer = text("Type the name or the id to go ahead (Enter keeps them):")
    verdict = typed_confirmation(answer, name=name, record_id=record_id)
    if verdict == "empty":
        nothing_changed(as_json=as_json)
    if verdict == "mismatch":
        nothing_changed(as_json=as_json, why="what was typed is neither the name nor the id",
                        reason="not_confirmed")
