"""The terminal side of ``peer consumer add``: the intake questions for what the flags leave out,
and the question before adding a second person with a name already in use. Imported only when
``add`` runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError

if TYPE_CHECKING:
    from peercli.core.contract import WarningDict

#: What an intake needs; when one is missing and a person is at a terminal, the intake asks.
INTAKE_FIELDS = ("name", "interests", "available", "formats", "languages", "consent")
#: The order the interactive intake asks in: the needed fields, and (each skippable with
#: Enter) phone, postal code, goal and follow-up cadence. Languages come before interests, so
#: Tab completion of topics can put the person's language first.
ASK_ORDER = ("phone", "postal_code", "languages", "interests", "available", "formats", "goal",
             "every", "consent")


def check_name_answer(text: str) -> str:
    from peercli.core.consumers import check_name

    try:
        return check_name(text)
    except PeerError as exc:
        raise ValueError(exc.message) from None


def _completion_words(conn: Any, languages: Any) -> list[str]:
    """The topic words Tab offers, the user's language first (core/completion.py says how
    that language is decided)."""
    import os

    from peercli.core.completion import completion_language, order_for_language
    from peercli.core.languages import normalize_languages
    from peercli.importers.userfiles import load_vocabulary
    from peercli.store.settings import stored_settings

    try:
        person = list(normalize_languages(languages)) if languages else []
    except ValueError:
        person = []
    language = completion_language(person, stored_settings(conn).get("language"), os.environ)
    return order_for_language(load_vocabulary().completions(), language)


def _prompt_optional(values: Any, key: str) -> None:
    """phone, postal code, goal, cadence: each skippable with Enter, checked like its flag."""
    from peercli.cli import prompts
    from peercli.core import fieldcheck
    from peercli.core.vocab import parse_cadence

    questions: dict[str, tuple[str, Any, str | None]] = {
        "phone": ("Phone (Enter to skip):", fieldcheck.phone, None),
        "postal_code": ("Postal code (used for distance to groups; Enter to skip):",
                        lambda s: fieldcheck.one_line(s, limit=20, what="the postal code"), None),
        "goal": ("Their goal, in their words (Enter to skip):",
                 lambda s: fieldcheck.multi_line(s, what="the goal"), None),
        "every": ("Follow up every (7d, 2w, 1m; Enter for 7 days):", parse_cadence, None),
    }
    question, parse, instruction = questions[key]
    answer = prompts.text(question, parse=parse, instruction=instruction)
    setattr(values, key, answer or None)


def prompt_intake(conn: Any, values: Any, missing: list[str]) -> None:
    """Ask, on a terminal, for the intake fields that were not given as flags (the name is
    asked before, by ``add``)."""
    from peercli.cli import prompts
    from peercli.core import vocab as fields
    from peercli.core.availability import parse_availability_many
    from peercli.core.languages import normalize_languages

    for key in ASK_ORDER:
        if key in ("phone", "postal_code", "goal", "every"):
            if getattr(values, key) is None:
                _prompt_optional(values, key)
            continue
        if key not in missing:
            continue
        if key == "interests":
            values.interests = prompts.text(
                "Interests (e.g. grief, walking, art; Tab completes):",
                completions=_completion_words(conn, values.languages))
        elif key == "available":
            answer = prompts.text(
                "When are they free? (e.g. Tue evening; Sat 10-14; Enter to skip)",
                parse=lambda s: parse_availability_many([s]))
            values.available = [answer] if answer else []
        elif key == "formats":
            values.formats = prompts.checkbox(
                "Formats they can attend:",
                [(f, f.replace("_", " ")) for f in fields.FORMATS], checked=["in_person"])
        elif key == "languages":
            values.languages = prompts.text(
                "Languages:", default="English", parse=normalize_languages)
        elif key == "consent":
            picked = prompts.checkbox(
                "Consent given today:",
                [("store", "store: keep this record"), ("contact", "contact: reach out to them"),
                 ("share", "share: share details with groups when referring")],
                checked=["store"], echo_values=True)
            values.consent = ",".join(picked)


def check_namesakes(conn: Any, name: str, *, yes: bool, as_json: bool) -> list[WarningDict]:
    """Someone already has this name: a warning (human and --json), and at a terminal the
    question whether to add another person with it ("no": nothing changed)."""
    from peercli.cli import runtime
    from peercli.store.lookup import same_name_ids

    ids = same_name_ids(conn, "consumer", name)
    if not ids:
        return []
    shown = ", ".join(f"#{i}" for i in ids)
    if not yes and runtime.can_prompt():
        from peercli.cli.confirm import proceed_or_stop

        proceed_or_stop(f"{shown} already has this name. Add another person called {name}?",
                        yes=False, refusal="", as_json=as_json)
    return [{"field": "name", "message": f"{shown} already has this name; tell them apart by "
             "id (or add an initial to the name)"}]
