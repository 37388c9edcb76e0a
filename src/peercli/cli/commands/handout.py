"""``peer handout``: what the person takes away after a match: each group they were referred
to, its next two dates, where (with a map link) or how to join, what kind of meeting it is,
whom to ask for, and your contact — as a printable HTML page with the .ics beside it, or as a
short text message (``--sms``). English or Spanish."""

from __future__ import annotations

from typing import Annotated

import typer

from peercli.cli.options import ForceOpt, JsonOpt
from peercli.core.errors import PeerError


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
    from datetime import UTC

    from peercli.cli import runtime
    from peercli.cli.render import print_json, warn
    from peercli.core.handout import build_handout, pick_lang, sms_text
    from peercli.store import clock
    from peercli.store.calendar import calendar_plan, local_zone_name
    from peercli.store.db import loads_list
    from peercli.store.handouts import HANDOUT_STATUSES, handout_groups
    from peercli.store.lookup import resolve
    from peercli.store.settings import current_settings

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    try:
        language, why = pick_lang(lang, loads_list(person["languages"]))
    except ValueError as exc:
        raise PeerError(f"--lang: {exc}") from None
    now = clock.now()
    tz = local_zone_name()
    groups, skipped = handout_groups(conn, person["id"], now, tz)
    settings = current_settings(conn)
    name = settings.get("name")
    lines = [", ".join(v for v in (name, settings.get("credential")) if v),
             settings.get("program") or "", settings.get("phone") or "",
             settings.get("email") or ""]
    doc = build_handout(person["name"], groups, language, now.date().isoformat(), name,
                        [line for line in lines if line])
    notes = [f"left out: {s}" for s in skipped]
    if not groups:
        raise PeerError(f"consumer #{person['id']} has no referred groups yet; refer them first "
                        f"(peer match {person['id']})")
    if not name:
        notes.append('your contact is not on the handout: peer config set name "…" '
                     "(and phone, email)")
    if sms:
        for n in notes:
            warn(n)
        text = sms_text(doc)
        if as_json:
            print_json({"consumer_id": person["id"], "lang": language, "sms": text,
                        "length": len(text)})
        else:
            typer.echo(text)
        return
    from peercli.cli.documents import handout_html
    from peercli.cli.output import document_path, write_document
    from peercli.core.calendar import build_calendar
    from peercli.store.files import check_output_target

    html = handout_html(doc)
    path = document_path(None if as_json and out == "-" else out, f"handout-{person['id']}.html")
    plan = calendar_plan(conn, person["id"], now, tz, HANDOUT_STATUSES)
    ics_path = path.with_suffix(".ics") if path is not None and plan.events else None
    for target in (path, ics_path):  # refuse before writing either
        if target is not None:
            check_output_target(target, force=force, flag="--out")
    write_document(html, path, [] if as_json else notes, force=force)
    if ics_path is not None:
        text = build_calendar(list(plan.events), dtstamp=now.astimezone(UTC))
        write_document(text, ics_path, force=force, binary=True)
    if as_json:
        for n in notes:
            warn(n)
        print_json({"consumer_id": person["id"], "lang": language, "lang_reason": why,
                    "html_path": str(path) if path else None,
                    "ics_path": str(ics_path) if ics_path else None,
                    "groups": [{"name": g.name, "next": list(g.when), "kind": list(g.kind),
                                "address": g.address, "map_url": g.map_url,
                                "online_url": g.online_url, "phone": g.phone}
                               for g in doc.groups],
                    "warnings": [{"field": "groups", "message": s} for s in skipped]})


def register(root: typer.Typer) -> None:
    from peercli.cli.registry import add_command

    add_command(root, "handout", handout)
