"""Interactive prompts (questionary), in one place, imported only when a person is at a terminal.

Callers must check ``runtime.can_prompt()`` first. Every prompt validates with the same parser the
flags use, so what a person types is held to the same rules as a flag.

Conventions every prompt here keeps (docs/prompts.md tells the user):
- Ctrl-C or Ctrl-D at any prompt raises ``KeyboardInterrupt``; the app turns it into one line,
  "Cancelled — nothing was saved.", and exit 130. Nothing is written before the last answer.
- A list (``select``) takes a number or letter typed as its shortcut, or the arrow keys; Enter
  picks the item the pointer is on.
- A multi-select (``checkbox``) ends by echoing what was ticked ("Attended: Grief Circle"), not a
  count.
- A validation message wraps at the terminal's edge instead of being cut off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from peercli.store.lookup import Candidate

#: questionary assigns shortcut keys in this order; a list longer than this has none.
SHORTCUT_KEYS = "1234567890abcdefghijklmnopqrstuvwxyz"
SELECT_HINT = "(a number or the arrows, then Enter)"
CHECKBOX_HINT = "(Space ticks, Enter goes on)"


def _validator(parse: Callable[[str], Any], *, required: bool) -> Callable[[str], bool | str]:
    def validate(text: str) -> bool | str:
        if not text.strip():
            return "Please enter a value" if required else True
        try:
            parse(text)
        except ValueError as exc:
            return _fit(str(exc))
        return True

    return validate


def _fit(message: str) -> str:
    """A message broken between words at the terminal's width (prompt_toolkit breaks words)."""
    import textwrap

    from prompt_toolkit.application import get_app_or_none

    app = get_app_or_none()
    columns = app.output.get_size().columns if app is not None else 80
    return "\n".join(textwrap.wrap(message, width=max(20, columns - 1))) or message


def _cancel_keys(question: Any) -> None:
    """Ctrl-D cancels every prompt, as Ctrl-C does (questionary binds only Ctrl-C on lists)."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    extra = KeyBindings()

    @extra.add(Keys.ControlD, eager=True)
    def _(event: Any) -> None:
        event.app.exit(exception=EOFError, style="class:aborting")

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, extra])


def _wrap_validation_errors(question: Any) -> None:
    """prompt_toolkit shows a validation error in a one-line window, cut at the terminal's edge,
    at the bottom of the screen: let that window grow and wrap, so the whole sentence is read,
    and keep the answer's window from stretching, so the error sits right under the answer."""
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.containers import Window
    from prompt_toolkit.layout.controls import BufferControl, SearchBufferControl

    for window in question.application.layout.find_all_windows():
        text = getattr(window.content, "text", None)
        if isinstance(window, Window) and "ValidationToolbar" in getattr(text, "__qualname__", ""):
            window.height = None
            window.wrap_lines = to_filter(True)
            window.dont_extend_height = to_filter(True)
        elif isinstance(window.content, BufferControl) and not isinstance(
                window.content, SearchBufferControl):
            window.dont_extend_height = to_filter(True)


def _ask(question: Any) -> Any:
    """Run one question; Ctrl-C / Ctrl-D become KeyboardInterrupt (the app's one cancel line)."""
    _cancel_keys(question)
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise KeyboardInterrupt from None
    if answer is None:  # a question closed without an answer
        raise KeyboardInterrupt
    return answer


def _finish_quietly(question: Any) -> None:
    """Enter ends a checkbox without its "done (2 selections)" line, and the prompt is erased:
    the caller echoes what was ticked instead."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import InquirerControl

    app = question.application
    control = next(w.content for w in app.layout.find_all_windows()
                   if isinstance(w.content, InquirerControl))
    enter = KeyBindings()

    @enter.add(Keys.ControlM, eager=True)
    def _(event: Any) -> None:
        event.app.exit(result=[c.value for c in control.get_selected_values()])

    app.key_bindings = merge_key_bindings([app.key_bindings, enter])
    app.erase_when_done = True


def say_answer(label: str, answer: str) -> None:
    """A finished prompt's line, styled like questionary's own: "? Attended: Grief Circle"."""
    from prompt_toolkit import print_formatted_text
    from prompt_toolkit.formatted_text import FormattedText
    from questionary.constants import DEFAULT_STYLE

    print_formatted_text(FormattedText([
        ("class:qmark", "?"), ("class:question", f" {label} "), ("class:answer", answer)]),
        style=DEFAULT_STYLE)


def _last_item_completer(words: Iterable[str]) -> Any:
    """Completes the item after the last comma against a vocabulary (for "grief, walk|").
    Words keep the order given (the caller puts the user's language first)."""
    from prompt_toolkit.completion import Completer, Completion

    unique: dict[str, str] = {}
    for word in words:
        unique.setdefault(word.lower(), word)
    vocabulary = list(unique.values())

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

    kwargs: dict[str, Any] = {"reserve_space_for_menu": 0}  # an error shows right below
    if completions:
        kwargs["completer"] = _last_item_completer(completions)
        kwargs["complete_while_typing"] = True
        kwargs["reserve_space_for_menu"] = 6
    validate = _validator(parse or (lambda s: s), required=required)
    question = questionary.text(message, default=default, validate=validate,
                                instruction=instruction, **kwargs)
    _wrap_validation_errors(question)
    return str(_ask(question)).strip()


def checkbox(message: str, choices: Sequence[tuple[str, str]], *, checked: Iterable[str] = (),
             label: str | None = None, echo_values: bool = False) -> list[str]:
    """Pick several: choices are (value, title); returns the values picked, and leaves the line
    "? LABEL: title, title" (or "none") on the screen (the values, with ``echo_values``)."""
    import questionary

    ticked = set(checked)
    items = [questionary.Choice(title, value=value, checked=value in ticked)
             for value, title in choices]
    question = questionary.checkbox(message, choices=items, instruction=CHECKBOX_HINT)
    _finish_quietly(question)
    picked = [str(v) for v in _ask(question)]
    titles = [value if echo_values else title for value, title in choices if value in picked]
    say_answer(label or message.split("(")[0].strip(), ", ".join(titles) or "none")
    return picked


def confirm(message: str, *, default: bool = False) -> bool:
    import questionary

    return bool(_ask(questionary.confirm(message, default=default)))


def select(message: str, choices: Sequence[tuple[str, str] | tuple[str, str, str]], *,
           default: str | None = None, echo: tuple[str, Callable[[str], str]] | None = None
           ) -> str:
    """Pick one: choices are (value, title) or (value, title, shortcut key). Up to 36 items get
    a shortcut (1-9, 0, then letters) unless given one; typing it moves to the item.

    ``echo`` = (label, text of a value): the finished line is "? LABEL TEXT" instead of the
    question and the whole title (for long titles)."""
    import questionary

    shortcuts = len(choices) <= len(SHORTCUT_KEYS)
    items = []
    for choice in choices:
        value, title = choice[0], choice[1]
        key: str | bool = choice[2] if len(choice) > 2 else shortcuts
        items.append(questionary.Choice(title, value=value, shortcut_key=key if shortcuts
                                        else None))
    chosen = next((c for c in items if c.value == default), None)
    question = questionary.select(message, choices=items, default=chosen,
                                  use_shortcuts=shortcuts, use_jk_keys=not shortcuts,
                                  instruction=SELECT_HINT if shortcuts else None)
    if echo is not None:
        question.application.erase_when_done = True
    answer = str(_ask(question))
    if echo is not None:
        say_answer(echo[0], echo[1](answer))
    return answer


def pick_record(noun: str, text: str, candidates: Sequence[Candidate]) -> int:
    """An ambiguous name: pick the record from a list that tells them apart (id and facts such
    as postal code and last contact, never notes). "None of these" cancels."""
    from peercli.core.safetext import terminal_safe

    choices = [(str(c.id), terminal_safe(f"#{c.id} {c.name}" + (
        f" — {', '.join(c.facts)}" if c.facts else ""))) for c in candidates]
    names = {str(c.id): terminal_safe(f"#{c.id} {c.name}") for c in candidates}
    picked = select(f"'{terminal_safe(text)}' fits {len(candidates)} {noun}s. Which one?",
                    [*choices, ("none", "none of these (cancel)")],
                    echo=(f"{noun.capitalize()}:", lambda v: names.get(v, "none of these")))
    if picked == "none":
        raise KeyboardInterrupt
    return int(picked)


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
