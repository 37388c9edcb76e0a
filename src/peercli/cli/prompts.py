"""Interactive prompts (questionary), in one place, imported only when a person is at a terminal.

Callers must check ``runtime.can_prompt()`` first. Every prompt validates with the same parser the
flags use, so what a person types is held to the same rules as a flag; Ctrl-C cancels the whole
command without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from peercli.core.errors import PeerError


def _validator(parse: Callable[[str], Any], *, required: bool) -> Callable[[str], bool | str]:
    def validate(text: str) -> bool | str:
        if not text.strip():
            return "Please enter a value" if required else True
        try:
            parse(text)
        except ValueError as exc:
            return str(exc)
        return True

    return validate


def _ask(question: Any) -> Any:
    answer = question.ask()  # returns None on Ctrl-C / Ctrl-D
    if answer is None:
        raise PeerError("cancelled; nothing was saved")
    return answer


def _last_item_completer(words: Iterable[str]) -> Any:
    """Completes the item after the last comma against a vocabulary (for "grief, walk|")."""
    from prompt_toolkit.completion import Completer, Completion

    unique: dict[str, str] = {}
    for word in words:
        unique.setdefault(word.lower(), word)
    vocabulary = sorted(unique.values(), key=str.lower)

    class LastItemCompleter(Completer):
        def get_completions(self, document: Any, complete_event: Any) -> Any:
            current = document.text_before_cursor.rsplit(",", 1)[-1].lstrip()
            if not current:
                return
            lowered = current.lower()
            for word in vocabulary:
                if word.lower().startswith(lowered) and word.lower() != lowered:
                    yield Completion(word, start_position=-len(current))

    return LastItemCompleter()


def text(message: str, *, parse: Callable[[str], Any] | None = None, required: bool = False,
         default: str = "", completions: Sequence[str] | None = None, instruction: str | None = None
         ) -> str:
    import questionary

    kwargs: dict[str, Any] = {}
    if completions:
        kwargs["completer"] = _last_item_completer(completions)
        kwargs["complete_while_typing"] = True
    validate = _validator(parse or (lambda s: s), required=required)
    return str(_ask(questionary.text(message, default=default, validate=validate,
                                     instruction=instruction, **kwargs))).strip()


def checkbox(message: str, choices: Sequence[tuple[str, str]], *, checked: Iterable[str] = ()
             ) -> list[str]:
    """Pick several: choices are (value, title); returns the values picked."""
    import questionary

    ticked = set(checked)
    items = [questionary.Choice(title, value=value, checked=value in ticked)
             for value, title in choices]
    return list(_ask(questionary.checkbox(message, choices=items)))


def confirm(message: str, *, default: bool = False) -> bool:
    import questionary

    return bool(_ask(questionary.confirm(message, default=default)))


def select(message: str, choices: Sequence[tuple[str, str]], *, default: str | None = None) -> str:
    import questionary

    items = [questionary.Choice(title, value=value) for value, title in choices]
    chosen = next((c for c in items if c.value == default), None)
    return str(_ask(questionary.select(message, choices=items, default=chosen)))


def passphrase(message: str) -> str:
    """Ask for a passphrase without echoing it (an empty answer means "none")."""
    import questionary

    return str(_ask(questionary.password(message + ":")))


def new_passphrase(message: str) -> str:
    """Ask twice for a new passphrase; they must match."""
    import questionary

    first = str(_ask(questionary.password(message + ":")))
    again = str(_ask(questionary.password("The same passphrase again:")))
    if first != again:
        raise PeerError("the two passphrases differ; nothing was changed")
    return first
