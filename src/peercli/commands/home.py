"""``peer`` with no arguments (a short home screen) and ``peer topics``."""

from __future__ import annotations

from typing import Annotated

import typer


def show_home() -> None:
    from ..render import console
    from ..runtime import RUNTIME

    out = console()
    out.print("[bold]peer[/] — connect the people you support with groups, and follow up.")
    if RUNTIME.db_path.exists():
        conn = RUNTIME.conn()
        active = conn.execute("SELECT count(*) FROM consumers WHERE status = 'active'").fetchone()[0]
        groups = conn.execute("SELECT count(*) FROM groups WHERE status = 'active'").fetchone()[0]
        out.print(f"{active} active consumer(s), {groups} active group(s).")
    out.print(
        "\nTry:\n"
        "  peer consumer add NAME      record someone you support\n"
        "  peer consumer list          who you support\n"
        "  peer topics                 the interest vocabulary\n"
        "  peer --help                 every command"
    )


def topics(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the interest vocabulary: one topic per line (slug, label, synonyms)."""
    from ..render import print_json
    from ..topics import load_vocabulary, user_topics_path

    extra = user_topics_path()
    vocab = load_vocabulary(extra if extra.exists() else None)
    if as_json:
        print_json([
            {"slug": t.slug, "label": t.label, "category": t.category, "synonyms": list(t.synonyms)}
            for t in vocab.topics
        ])
        return
    for t in vocab.topics:
        synonyms = f"  ({', '.join(t.synonyms)})" if t.synonyms else ""
        typer.echo(f"{t.slug}\t{t.label}{synonyms}")


def register(root: typer.Typer) -> None:
    root.command("topics")(topics)
