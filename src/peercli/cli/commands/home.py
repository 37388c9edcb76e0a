"""``peer`` with no arguments (a short home screen) and ``peer topics``."""

from __future__ import annotations

from typing import Annotated

import typer

from peercli.cli.registry import add_command
from peercli.cli.render import echo
from peercli.core.wording import plural


def show_home() -> None:
    """Who is due today (and overdue), the next few names with reasons, and commands to try.

    Never creates a database: on a new machine it just shows the commands.
    """
    from rich.markup import escape

    from peercli.cli.render import console
    from peercli.cli.runtime import RUNTIME

    out = console()
    out.print("[bold]peer[/] — connect the people you support with groups, and follow up.")
    if RUNTIME.db_path.exists():
        from peercli.store.clock import today
        from peercli.store.due import due_list

        conn = RUNTIME.conn()
        active = conn.execute("SELECT count(*) FROM consumers WHERE status = 'active'").fetchone()[0]
        groups = conn.execute("SELECT count(*) FROM groups WHERE status = 'active'").fetchone()[0]
        out.print(f"{plural(active, 'active consumer')}, {plural(groups, 'active group')}.")
        if active:
            every = due_list(conn, today())
            items = [item for item in every if item.contact_ok]
            apart = len(every) - len(items)
            overdue = sum(1 for item in items if item.days_overdue > 0)
            due_today = len(items) - overdue
            if items:
                out.print(f"\n[bold]{due_today} due today, {overdue} overdue[/]")
                for item in items[:5]:
                    when = (f"{item.days_overdue}d overdue" if item.days_overdue > 0
                            else "today")
                    out.print(f"  #{item.consumer_id} {escape(item.name)} ({when}): "
                              f"{escape(item.reasons[0])}")
                    for extra in item.reasons[1:]:
                        if " — tell " in extra:  # a group they were referred to changed
                            out.print(f"      {escape(extra)}")
                if len(items) > 5:
                    out.print(f"  … and {len(items) - 5} more: peer due")
            else:
                out.print("\nNobody is due today.")
            if apart:
                out.print(f"{apart} more due without contact consent — do not call (peer due)")
    out.print(
        "\nTry:\n"
        "  peer due                    who needs a follow-up today\n"
        "  peer checkin NAME           log a contact (asks for what you leave out)\n"
        "  peer match NAME             groups that fit someone\n"
        "  peer consumer add NAME      record someone you support\n"
        "  peer timeline NAME          the story so far, with the mood trend\n"
        "  peer --help                 every command"
    )


def topics(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the interest vocabulary: one topic per line.

    Each with its slug, label and synonyms, as peer consumer add --interests reads them."""
    from peercli.cli.render import print_json
    from peercli.importers.userfiles import load_vocabulary

    vocab = load_vocabulary()
    if as_json:
        print_json([
            {"slug": t.slug, "label": t.label, "category": t.category, "synonyms": list(t.synonyms)}
            for t in vocab.topics
        ])
        return
    for t in vocab.topics:
        synonyms = f"  ({', '.join(t.synonyms)})" if t.synonyms else ""
        echo(f"{t.slug}\t{t.label}{synonyms}")


def register(root: typer.Typer) -> None:
    add_command(root, "topics", topics)
