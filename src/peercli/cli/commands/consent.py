"""``peer consent``: releases of information per recipient and purpose (42 CFR Part 2 style):
record one the person signed, list, revoke (kept as history), and print a form to sign.

The three general switches (store, contact, share) stay on ``peer consumer consent``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from peercli.cli.options import ForceOpt, JsonOpt
from peercli.core.errors import PeerError, UsageError

CONSENT_HELP = ("Releases of information, per recipient and purpose.\n\n"
                "Add one the person signed, list them, revoke one, or print a form to sign.")
app = typer.Typer(no_args_is_help=True, help=CONSENT_HELP)
DEFAULT_EXPIRY = "1y"

ConsumerArg = Annotated[str, typer.Argument(help="Consumer id or name prefix.")]
RecipientOpt = Annotated[str | None, typer.Option(
    "--recipient", help="The organisation (or person) who may receive the information.",
    show_default=False)]
GroupOpt = Annotated[str | None, typer.Option(
    "--group", help="A group from the directory as the recipient (id or name).",
    show_default=False)]
PurposeOpt = Annotated[str, typer.Option(
    "--purpose", help="referral, care-coordination, treatment, payment or other.")]
DetailOpt = Annotated[str | None, typer.Option(
    "--purpose-detail", help="The purpose in your words (needed with --purpose other).",
    show_default=False)]
ShareOpt = Annotated[str | None, typer.Option(
    "--share", help="What may be shared, specifically (default: name, contact, referral and "
                    "attendance; no diagnosis or substance use details).", show_default=False)]
ExpiresOpt = Annotated[str | None, typer.Option(
    "--expires", help="Expiry date, or a span: 2027-06-01, 6m, 1y (default 1y).",
    show_default=False)]
EventOpt = Annotated[str | None, typer.Option(
    "--until", help='An event that ends it, e.g. "I stop receiving peer services".',
    show_default=False)]


def _terms(conn: Any, person: Any, recipient: str | None, group: str | None, purpose: str,
           detail: str | None, share: str | None, expires: str | None, until: str | None,
           ) -> tuple[dict[str, Any], list[str]]:
    """Everything a release states, parsed; and the notes on what was defaulted."""
    from peercli.core import consent
    from peercli.core.plans import parse_target
    from peercli.store import clock
    from peercli.store.lookup import resolve

    notes: list[str] = []
    today = clock.today()
    try:
        purpose_key = consent.parse_purpose(purpose)
    except ValueError as exc:
        raise PeerError(f"--purpose: {exc}") from None
    if purpose_key == "other" and not (detail and detail.strip()):
        raise UsageError("--purpose other needs --purpose-detail \"what for\"")
    group_row = resolve(conn, "group", group) if group else None
    name = (recipient or "").strip() or (group_row["name"] if group_row else "")
    if not name:
        raise UsageError("missing --recipient \"organisation\" (or --group G)")
    if share is None:
        information = consent.DEFAULT_INFORMATION
        notes.append("what may be shared: the default (use --share to say otherwise)")
    else:
        try:
            information = consent.parse_information(share)
        except ValueError as exc:
            raise PeerError(f"--share: {exc}") from None
    expires_on = None
    if expires is not None or until is None:
        text = expires or DEFAULT_EXPIRY
        try:
            expires_on = parse_target(text, today)
        except ValueError as exc:
            raise PeerError(f"--expires: {exc}") from None
        if expires is None:
            notes.append(f"expires {expires_on.isoformat()}: the default, one year (use "
                         "--expires or --until)")
    event = until.strip() if until and until.strip() else None
    return {"recipient": name, "group_id": group_row["id"] if group_row else None,
            "purpose": purpose_key, "purpose_detail": detail.strip() if detail else None,
            "information": information, "expires_on": expires_on, "expires_event": event,
            "today": today}, notes


@app.command("add")
def add(
    consumer: ConsumerArg,
    recipient: RecipientOpt = None,
    group: GroupOpt = None,
    purpose: PurposeOpt = "referral",
    purpose_detail: DetailOpt = None,
    share: ShareOpt = None,
    expires: ExpiresOpt = None,
    until: EventOpt = None,
    signed: Annotated[str, typer.Option("--signed", help="When the person signed (default today).")]
    = "today",
    as_json: JsonOpt = False,
) -> None:
    """Record a release the person signed: recipient, purpose, what, until when."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, success, warn
    from peercli.core.plans import parse_review_day
    from peercli.store.db import write
    from peercli.store.lookup import resolve
    from peercli.store.releases import NewRelease, insert_release, release_dicts
    from peercli.store.settings import current_settings

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    terms, notes = _terms(conn, person, recipient, group, purpose, purpose_detail, share, expires,
                          until)
    try:
        signed_on = parse_review_day(signed, terms["today"])
    except ValueError as exc:
        raise PeerError(f"--signed: {exc}") from None
    program = current_settings(conn).get("program")
    new = NewRelease(person["id"], terms["recipient"], terms["group_id"], terms["purpose"],
                     terms["purpose_detail"], terms["information"], program, signed_on,
                     terms["expires_on"], terms["expires_event"])
    with write(conn):
        release_id = insert_release(conn, new)
    record = next(r for r in release_dicts(conn, person["id"], terms["today"])
                  if r["id"] == release_id)
    if as_json:
        print_json({**record, "warnings": [{"field": n.split(":")[0], "message": n}
                                           for n in notes]})
        return
    success(f"Release #{release_id}: #{person['id']} {person['name']} → {terms['recipient']} "
            f"({terms['purpose']})")
    for n in notes:
        warn(n)


@app.command("list")
def list_(consumer: ConsumerArg, as_json: JsonOpt = False) -> None:
    """The person's releases, with their status today (active, expired, revoked)."""
    from rich.markup import escape

    from peercli.cli import runtime
    from peercli.cli.render import console, print_json
    from peercli.core.consent import expiry_text
    from peercli.store import clock
    from peercli.store.lookup import resolve
    from peercli.store.releases import release_dicts

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    records = release_dicts(conn, person["id"], clock.today())
    if as_json:
        print_json(records)
        return
    out = console()
    out.print(f"[bold]Releases of information — #{person['id']} {escape(person['name'])}[/]")
    if not records:
        out.print(f"  None. Record one: peer consent add {person['id']} --recipient ORG")
    from datetime import date

    for r in records:
        ends = expiry_text(date.fromisoformat(r["expires_on"]) if r["expires_on"] else None,
                           r["expires_event"])
        out.print(f"  #{r['id']:<4} {escape(r['recipient'])}  [dim]{r['purpose']}, signed "
                  f"{r['signed_on']}, expires {escape(ends)}[/]  {r['status']}")
        out.print(f"        [dim]shares: {escape(r['information'])}[/]")


@app.command("revoke")
def revoke(
    release_id: Annotated[str, typer.Argument(metavar="ID", help="The release's id.")],
    note: Annotated[str | None, typer.Option("--note", help="How it was revoked (kept).")] = None,
) -> None:
    """Revoke a release (the person may, at any time).

    The release and its history are kept."""
    from peercli.cli import runtime
    from peercli.cli.render import success
    from peercli.core.ids import parse_id
    from peercli.store.db import write
    from peercli.store.releases import get_release, revoke_release

    raw = parse_id(release_id, "release", "; see peer consent list NAME")
    conn = runtime.conn()
    row = get_release(conn, raw)
    if row is None:
        raise PeerError(f"no release with id {raw}")
    if row["revoked_at"]:
        raise PeerError(f"release #{raw} was already revoked on {row['revoked_at'][:10]}")
    with write(conn):
        revoke_release(conn, raw, note.strip() if note else None)
    success(f"Release #{raw} revoked (kept in the history)")


@app.command("form")
def form(
    consumer: ConsumerArg,
    recipient: RecipientOpt = None,
    group: GroupOpt = None,
    purpose: PurposeOpt = "referral",
    purpose_detail: DetailOpt = None,
    share: ShareOpt = None,
    expires: ExpiresOpt = None,
    until: EventOpt = None,
    out: Annotated[str | None, typer.Option(
        "--out", help="Where to write the HTML (default release-form-ID.html; '-' for stdout).",
        show_default=False)] = None,
    force: ForceOpt = False,
) -> None:
    """Write a release form to print and sign (HTML that prints cleanly).

    Once it is signed, record it with peer consent add."""
    from peercli.cli import runtime
    from peercli.cli.documents import release_form_html
    from peercli.core import consent
    from peercli.store.lookup import resolve
    from peercli.store.settings import current_settings

    conn = runtime.conn()
    person = resolve(conn, "consumer", consumer)
    terms, notes = _terms(conn, person, recipient, group, purpose, purpose_detail, share, expires,
                          until)
    settings = current_settings(conn)
    purpose_text = consent.PURPOSES[terms["purpose"]]
    if terms["purpose_detail"]:
        purpose_text += f": {terms['purpose_detail']}"
    html = release_form_html({
        "person": person["name"],
        "discloser": settings.get("program") or "my peer support programme",
        "recipient": terms["recipient"], "purpose_text": purpose_text,
        "information": terms["information"],
        "expiry": consent.expiry_text(terms["expires_on"], terms["expires_event"]),
        "specialist": ", ".join(v for v in (settings.get("name"), settings.get("credential"))
                                if v),
    })
    from peercli.cli.output import document_path, write_document

    write_document(html, document_path(out, f"release-form-{person['id']}.html"), notes,
                   force=force)


def register(root: typer.Typer) -> None:
    from peercli.cli.registry import add_group

    add_group(root, "consent", app, help=CONSENT_HELP)
