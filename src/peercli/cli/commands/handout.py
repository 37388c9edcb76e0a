"""``peer handout``: what the person takes away after a match: each group they were referred
to, its next two dates, where (with a map link) or how to join, what kind of meeting it is,
whom to ask for, and your contact — as a printable HTML page with the .ics beside it, or as a
short text message (``--sms``). English or Spanish."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peercli.cli.options import ForceOpt, JsonOpt
from peercli.cli.render import echo


def handout(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    lang: Annotated[str | None, typer.Option(
        "--lang", help="en or es (default: the person's language when it is one of those, "
                       "else English).", show_default=False)] = None,
    sms: Annotated[bool, typer.Option(
        "--sms", help="Print a short plain text for a text message instead.")] = False,
    out: Annotated[str | None, typer.Option(
        "--out", help="The HTML file (default handout-ID.html; the .ics is written beside it; "
                      "'-' prints the HTML).", show_default=False)] = None,
    force: ForceOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Make the person's handout: printable HTML and .ics, or --sms text.

    Each group they were referred to, its next two dates, where (with a map link) or how to
    join, what kind of meeting it is, whom to ask for, and your contact (from peer config).
    In English or Spanish (--lang es)."""
    from peercli.cli import runtime
    from peercli.cli.options import refuse_together
    from peercli.store import clock
    from peercli.store.calendar import local_zone_name
    from peercli.store.handouts import handout_material
    from peercli.store.lookup import resolve

    refuse_together(("--sms", sms), ("--out", out is not None))
    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    material = handout_material(conn, person, lang, clock.now(), local_zone_name())
    if sms:
        _sms(material, as_json)
    else:
        _documents(material, out, force, as_json)


def _sms(material: Any, as_json: bool) -> None:
    from peercli.cli.render import print_json, warn
    from peercli.core.handout import sms_text

    for note in material.notes:
        warn(note)
    text = sms_text(material.doc)
    if as_json:
        print_json({"consumer_id": material.consumer_id, "lang": material.lang, "sms": text,
                    "length": len(text)})
    else:
        echo(text)


def _documents(material: Any, out: str | None, force: bool, as_json: bool) -> None:
    """The HTML (to --out, the default file, or stdout with '-') and the .ics beside it."""
    from peercli.cli.documents import handout_html
    from peercli.cli.output import document_path, write_document
    from peercli.cli.render import warn
    from peercli.store.files import check_output_target

    path = document_path(None if as_json and out == "-" else out,
                         f"handout-{material.consumer_id}.html")
    ics_path = path.with_suffix(".ics") if path is not None and material.ics else None
    for target in (path, ics_path):  # refuse before writing either
        if target is not None:
            check_output_target(target, force=force, flag="--out")
    write_document(handout_html(material.doc), path, [] if as_json else material.notes,
                   force=force)
    if ics_path is not None:
        write_document(material.ics, ics_path, force=force, binary=True)
    if as_json:
        for note in material.notes:
            warn(note)
        _handout_json(material, path, ics_path)


def _handout_json(material: Any, path: Any, ics_path: Any) -> None:
    from peercli.cli.render import print_json

    print_json({"consumer_id": material.consumer_id, "lang": material.lang,
                "lang_reason": material.lang_reason,
                "html_path": str(path) if path else None,
                "ics_path": str(ics_path) if ics_path else None,
                "groups": [{"name": g.name, "next": list(g.when), "kind": list(g.kind),
                            "address": g.address, "map_url": g.map_url,
                            "online_url": g.online_url, "phone": g.phone}
                           for g in material.doc.groups],
                "warnings": [{"field": "groups", "message": s} for s in material.skipped]})


def register(root: typer.Typer) -> None:
    from peercli.cli.registry import add_command

    add_command(root, "handout", handout)
