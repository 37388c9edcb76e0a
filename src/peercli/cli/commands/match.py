"""``peer match`` (rank groups for a person, or people for a group), ``peer refer`` (turn picks into
tracked referrals, consent enforced) and ``peer demo`` (the whole loop on a throwaway database)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from peercli.cli.options import JsonOpt
from peercli.core.errors import PeerError

if TYPE_CHECKING:
    import sqlite3
    from datetime import datetime

    from peercli.core.matching import ConsumerProfile, Match
    from peercli.core.topics import Vocabulary


# -- shared helpers (also used by commands.referral and the demo) -----------------------------


def load_vocabulary() -> Vocabulary:
    from peercli.importers.userfiles import load_vocabulary as load
    from peercli.importers.userfiles import user_topics_path

    extra = user_topics_path()
    return load(extra if extra.exists() else None)


def active_consumer(conn: sqlite3.Connection, ref: str) -> sqlite3.Row:
    from peercli.store.lookup import resolve

    row = resolve(conn, "consumer", ref)
    if row["status"] != "active":
        raise PeerError(
            f"consumer #{row['id']} is archived, so it is not matched or referred. "
            f"Reactivate it first: peer consumer archive {row['id']} --undo"
        )
    return row


def when_text(match: Match) -> str:
    from peercli.core.schedule import describe_meeting

    meetings = match.fitting or match.group.meetings
    text = "; ".join(describe_meeting(m) for m in meetings[:2])
    if len(meetings) > 2:
        text += f" (+{len(meetings) - 2} more)"
    return text


def where_text(match: Match) -> str:
    g = match.group
    if match.attends == "online" or (match.attends is None and g.format == "online"):
        return "online" if g.format == "online" else "hybrid (join online)"
    place = ", ".join(p for p in (g.address, g.city) if p) or "in person"
    if match.distance_km is not None:
        km = "<1" if match.distance_km < 1 else f"{round(match.distance_km)}"
        place += f" ({km} km)"
    if g.format == "hybrid":
        place += " · or online"
    return place


def match_json(match: Match) -> dict[str, Any]:
    """The JSON contract for one match (group_id, name, score, reasons, next_meeting, format)."""
    g = match.group
    return {
        "group_id": g.id,
        "name": g.name,
        "score": round(match.score, 3),
        "reasons": list(match.reasons),
        "next_meeting": match.next_meeting.isoformat() if match.next_meeting else None,
        "format": g.format,
        "when": when_text(match),
        "near_miss": match.near_miss,
        "distance_km": None if match.distance_km is None else round(match.distance_km, 1),
        "attends": match.attends,
        "address": g.address,
        "city": g.city,
        "online_url": g.online_url,
        "breakdown": dict(match.breakdown),
    }


def _next_text(when: datetime | None) -> str:
    return when.strftime("%a %d %b %H:%M") if when else "no upcoming date"


def render_matches(matches: list[Match], title: str | None) -> None:
    from peercli.cli.render import table

    rows = []
    for rank_no, m in enumerate(matches, start=1):
        when = f"{when_text(m)}\nnext: {_next_text(m.next_meeting)}"
        if m.near_miss:
            when += "\n(near miss)"
        rows.append([rank_no, f"{m.group.name}\n#{m.group.id} · {m.score:.2f}", when,
                     where_text(m), "\n".join(m.reasons)])
    table(title, ["#", "Group", "When", "Where", "Why"], rows, show_lines=True)


def score_for_referral(
    conn: sqlite3.Connection, consumer: ConsumerProfile, group_ids: list[int], now: datetime,
    vocabulary: Vocabulary,
) -> list[Match]:
    from peercli.core.matching import score_group
    from peercli.store.matching import load_groups

    return [
        score_group(consumer, g, now, near_misses=True, vocabulary=vocabulary)
        for g in load_groups(conn, group_ids)
    ]


def referral_reasons(match: Match) -> tuple[str, ...]:
    if match.passed:
        return match.reasons
    return (f"did not pass the match filters: {match.filtered_by}", *match.reasons)


def consent_refusal(consumer_id: int) -> PeerError:
    return PeerError(
        f"consumer #{consumer_id} has not given share consent, and a referral shares their "
        f"details with the group. Record it first: peer consumer consent {consumer_id} grant "
        "share (or, if you must refer without it, add --override-consent --reason \"why\"). "
        "Nothing was saved."
    )


def make_referrals(
    conn: sqlite3.Connection, consumer_id: int, matches: list[Match], *, note: str | None,
    override_reason: str | None,
) -> list[dict[str, Any]]:
    """One transaction: a referral per match (an open one to the same group is reused)."""
    from peercli.store.db import write
    from peercli.store.referrals import NewReferral, create_or_reuse, referral_dict

    made: list[tuple[int, bool]] = []
    with write(conn):
        for m in matches:
            made.append(create_or_reuse(conn, NewReferral(
                consumer_id=consumer_id, group_id=m.group.id, score=m.score,
                reasons=referral_reasons(m), status="referred", note=note,
                consent_override_reason=override_reason,
            )))
    out = []
    for referral_id, created in made:
        record = referral_dict(conn, referral_id) or {}
        record["created"] = created
        out.append(record)
    return out


def echo_referrals(records: list[dict[str, Any]]) -> None:
    from peercli.cli.render import info, success

    for r in records:
        if r["created"]:
            success(f"Referral #{r['id']}: {r['consumer_name']} → {r['group_name']} (referred)")
        else:
            info(f"Already open: referral #{r['id']} to {r['group_name']} is {r['status']} "
                 f"(see peer referral show {r['id']})")


# -- peer match -----------------------------------------------------------------------------


def _parse_day(day: str) -> int:
    from peercli.core.timeparse import lookup_weekday

    value = lookup_weekday(day)
    if value is None:
        raise PeerError(f"--day: '{day}' is not a day of the week (use Mon, Tue, ... Sun)")
    return value


def _parse_format(fmt: str) -> str:
    from peercli.core.vocab import parse_format

    try:
        return parse_format(fmt)
    except ValueError as exc:
        raise PeerError(f"--format: {exc}") from None


def _explain(conn: sqlite3.Connection, consumer: ConsumerProfile, group_ref: str, now: datetime,
             near_misses: bool, any_topic: bool, vocabulary: Vocabulary, as_json: bool) -> None:
    from peercli.cli.render import console, print_json
    from peercli.core.matching import WEIGHTS, score_group
    from peercli.store.lookup import resolve
    from peercli.store.matching import load_group

    row = resolve(conn, "group", group_ref)
    match = score_group(consumer, load_group(conn, row["id"]), now, near_misses=near_misses,
                        any_topic=any_topic, vocabulary=vocabulary)
    total = WEIGHTS.total
    parts = {
        name: {"value": match.breakdown[name], "weight": weight,
               "points": round(weight * match.breakdown[name] / total, 4)}
        for name, weight in WEIGHTS.items()
    }
    data = {**match_json(match), "consumer_id": consumer.id, "passed": match.passed,
            "filtered_by": match.filtered_by, "breakdown": parts}
    if as_json:
        print_json(data)
        return
    from rich.markup import escape

    out = console()
    verdict = "[green]passes every filter[/]" if match.passed else (
        f"[red]filtered out:[/] {escape(match.filtered_by or '')}")
    out.print(f"[bold]#{match.group.id} {escape(match.group.name)}[/] for "
              f"#{consumer.id} {escape(consumer.name)}: {verdict}")
    out.print(f"  score {match.score:.3f} = sum(weight × component) / {total:g}")
    for name, p in parts.items():
        out.print(f"    {name:<10} {p['value']:.2f} × {p['weight']:.2f}  → {p['points']:.3f}")
    out.print(f"  when   {escape(when_text(match))} (next: {_next_text(match.next_meeting)})")
    out.print(f"  where  {escape(where_text(match))}")
    for reason in match.reasons:
        out.print(f"  · {escape(reason)}")


def _group_match(conn: sqlite3.Connection, group_ref: str, limit: int, near_misses: bool,
                 any_topic: bool, vocabulary: Vocabulary, as_json: bool) -> None:
    from peercli.cli.render import print_json, table, warn
    from peercli.core.matching import rank_consumers
    from peercli.store.clock import now
    from peercli.store.lookup import resolve
    from peercli.store.matching import load_active_consumers, load_group

    row = resolve(conn, "group", group_ref)
    group = load_group(conn, row["id"])
    if group.status != "active" and not as_json:
        warn(f"group #{group.id} is inactive; showing who it would suit if it met again")
    if group.status != "active":
        from dataclasses import replace

        group = replace(group, status="active")
    matches = rank_consumers(group, load_active_consumers(conn), now(), limit=limit,
                             near_misses=near_misses, any_topic=any_topic, vocabulary=vocabulary)
    if as_json:
        print_json([{"consumer_id": m.consumer.id, "name": m.consumer.name,
                     "score": round(m.score, 3), "reasons": list(m.reasons),
                     "near_miss": m.near_miss} for m in matches])
        return
    if not matches:
        typer.echo(f"No active consumer fits group #{group.id} (format, language, access, "
                   "audience and free time all have to fit; try --near-misses).", err=True)
        return
    table(f"People group #{group.id} {group.name} would suit",
          ["#", "Consumer", "Score", "Why"],
          [[i, f"#{m.consumer.id} {m.consumer.name}", f"{m.score:.2f}", "\n".join(m.reasons)]
           for i, m in enumerate(matches, start=1)], show_lines=True)


def _pick_and_refer(conn: sqlite3.Connection, consumer: ConsumerProfile,
                    matches: list[Match]) -> None:
    from peercli.cli import prompts
    from peercli.cli.render import info, warn
    from peercli.store.consumers import has_consent

    choices = [(str(m.group.id), f"{i}. {m.group.name} — {when_text(m)}")
               for i, m in enumerate(matches, start=1)]
    picked = prompts.checkbox("Refer to which groups? (space picks, enter confirms)", choices)
    if not picked:
        info("No referral made.")
        return
    chosen = [m for m in matches if str(m.group.id) in picked]
    override = None
    if not has_consent(conn, consumer.id, "share"):
        warn(f"#{consumer.id} {consumer.name} has not given share consent.")
        action = prompts.select("Refer anyway?", [
            ("skip", (f"No: skip (record consent with: peer consumer consent {consumer.id} "
                     "grant share)")),
            ("override", "Yes: record why I am referring without share consent"),
        ], default="skip")
        if action != "override":
            info("No referral made.")
            return
        override = prompts.text("Reason for referring without share consent:", required=True)
    note = prompts.text("Note for the referral (optional):") or None
    echo_referrals(make_referrals(conn, consumer.id, chosen, note=note, override_reason=override))


def match(
    consumer: Annotated[str | None, typer.Argument(
        help="Consumer id or name prefix.", show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000,
                                       help="How many groups to show.")] = 10,
    topic: Annotated[str | None, typer.Option(
        "--topic", help="Only groups about this topic (e.g. grief).")] = None,
    format_: Annotated[str | None, typer.Option(
        "--format", help="Only groups the person can attend this way: in_person, online, hybrid."
    )] = None,
    day: Annotated[str | None, typer.Option(
        "--day", help="Only meetings on this day (Mon..Sun), inside the person's free time.")
    ] = None,
    near_misses: Annotated[bool, typer.Option(
        "--near-misses", help="Also show groups meeting within 30 minutes of the free time.")
    ] = False,
    any_topic: Annotated[bool, typer.Option(
        "--any-topic", help="Also show groups that share none of the person's interests.")
    ] = False,
    explain: Annotated[str | None, typer.Option(
        "--explain", help="Show the whole score breakdown for one group (id or name), "
                          "including the filter that removed it.", show_default=False)] = None,
    group: Annotated[str | None, typer.Option(
        "--group", help="Rank the active consumers this group (id or name) would suit.",
        show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank the groups that fit a person, with reasons and next meeting; then pick referrals."""
    from dataclasses import replace

    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.store.clock import now as clock_now
    from peercli.store.matching import (
        Narrowing,
        load_consumer,
        match_groups,
        narrow_windows,
        restrict_formats,
    )

    if group is not None and consumer is not None:
        raise PeerError("give either a consumer (peer match Sam) or --group G, not both")
    if group is None and consumer is None:
        raise PeerError("missing CONSUMER: peer match Sam (or peer match --group G to rank "
                        "people for a group)")
    day_value = _parse_day(day) if day is not None else None
    fmt = _parse_format(format_) if format_ is not None else None
    vocabulary = load_vocabulary()
    conn = runtime.conn()
    if group is not None:
        _group_match(conn, group, limit, near_misses, any_topic, vocabulary, as_json)
        return
    assert consumer is not None
    row = active_consumer(conn, consumer)
    profile = load_consumer(conn, row["id"])
    now = clock_now()
    if explain is not None:
        _explain(conn, profile, explain, now, near_misses, any_topic, vocabulary, as_json)
        return
    group_formats = None
    if fmt is not None:
        profile, group_formats = restrict_formats(profile, fmt)
    if day_value is not None:
        profile = replace(profile, windows=narrow_windows(profile.windows, day_value))
        if not profile.windows:
            from peercli.core.timeparse import DAY_NAMES

            raise PeerError(f"--day: consumer #{profile.id} has no free time on "
                            f"{DAY_NAMES[day_value]} (see peer consumer show {profile.id})")
    topic_slug = None
    if topic is not None:
        topic_slug = vocabulary.normalize_one(topic)[0]
        if not topic_slug:
            raise PeerError(f"--topic: '{topic}' names no topic (see peer topics)")
    narrowing = Narrowing(topic=topic_slug, group_formats=group_formats, limit=limit,
                          near_misses=near_misses, any_topic=any_topic)
    matches, _ = match_groups(conn, profile, now, narrowing, vocabulary=vocabulary)
    if as_json:
        print_json([match_json(m) for m in matches])
        return
    if not matches:
        hint = "" if near_misses else " Try --near-misses to include meetings just outside it"
        hint += "" if any_topic or not hint else ", or --any-topic for groups on other topics."
        hint = hint if not hint or hint.endswith(".") else hint + "."
        if not profile.windows:
            hint = ""
        typer.echo(f"No active group fits #{profile.id} {profile.name}: topics, format, "
                   f"language, access needs, audience and free time all have to fit.{hint}",
                   err=True)
        return
    render_matches(matches, f"Groups for #{profile.id} {profile.name}")
    if runtime.can_prompt():
        _pick_and_refer(conn, profile, matches)


# -- peer refer -----------------------------------------------------------------------------


def refer(
    consumer: Annotated[str, typer.Argument(help="Consumer id or name prefix.")],
    groups: Annotated[list[str], typer.Argument(help="One or more groups (id or name prefix).")],
    note: Annotated[str | None, typer.Option("--note", help="A note kept with the referral.")]
    = None,
    override_consent: Annotated[bool, typer.Option(
        "--override-consent", help="Refer although share consent is not on record (needs "
                                   "--reason; both are kept).")] = False,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="Why you refer without share consent (with --override-consent).")]
    = None,
    as_json: JsonOpt = False,
) -> None:
    """Refer a person to groups: each becomes a tracked referral with today's score and reasons."""
    from peercli.cli import runtime
    from peercli.cli.render import print_json, warn
    from peercli.store.clock import now
    from peercli.store.consumers import has_consent
    from peercli.store.lookup import resolve
    from peercli.store.matching import load_consumer

    if override_consent and not (reason and reason.strip()):
        raise PeerError('--override-consent needs --reason "why", which is kept with the referral')
    if reason is not None and not override_consent:
        raise PeerError("--reason only applies with --override-consent")
    conn = runtime.conn()
    row = active_consumer(conn, consumer)
    ids: list[int] = []
    for ref in groups:
        gid = resolve(conn, "group", ref)["id"]
        if gid not in ids:
            ids.append(gid)
    consented = has_consent(conn, row["id"], "share")
    if not consented and not override_consent:
        raise consent_refusal(row["id"])
    override_reason = reason.strip() if (override_consent and not consented and reason) else None
    if consented and override_consent:
        warn("share consent is on record; --override-consent was not needed and is not stored")
    profile = load_consumer(conn, row["id"])
    matches = score_for_referral(conn, profile, ids, now(), load_vocabulary())
    for m in matches:
        if not m.passed and not as_json:
            warn(f"group #{m.group.id} does not pass the match filters ({m.filtered_by}); "
                 "referring anyway, with that noted in the reasons")
        if m.group.status != "active" and not as_json:
            warn(f"group #{m.group.id} is marked inactive")
    records = make_referrals(conn, row["id"], matches, note=note.strip() if note else None,
                             override_reason=override_reason)
    if as_json:
        print_json(records)
    else:
        echo_referrals(records)


# -- peer demo ------------------------------------------------------------------------------


def demo(
    keep: Annotated[bool, typer.Option(
        "--keep/--no-keep", help="Keep the demo database so you can try more commands on it.")]
    = True,
    as_json: JsonOpt = False,
) -> None:
    """Run the whole loop on a throwaway database (never yours): import the sample groups, add a
    sample person, match, refer, and show what to try next."""
    import shutil
    import tempfile
    from pathlib import Path

    from peercli.cli.render import info, print_json

    directory = Path(tempfile.mkdtemp(prefix="peer-demo-"))
    db = directory / "peer.db"
    try:
        result = _run_demo(db, as_json)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    if not keep:
        shutil.rmtree(directory, ignore_errors=True)
    result["kept"] = keep
    if as_json:
        print_json(result)
        return
    quoted = _shell_quote(str(db))
    if not keep:
        info(f"\nThe demo database was deleted ({db}).")
        return
    cid, gid = result["consumer"]["id"], result["top_group_id"]
    lines = [
        f"\nThe demo database is {db} (yours was not touched). Try next:",
        f"  peer --db {quoted} match {cid} --explain {gid}",
        f"  peer --db {quoted} refer {cid} {gid} --note \"will try next week\"",
        f"  peer --db {quoted} referral list",
        f"  peer --db {quoted} match {cid} --near-misses --format online",
        f"  peer --db {quoted} match --group {gid}",
        f"  peer --db {quoted} group list",
        "Then, for real: peer group import YOUR-DIRECTORY.csv and peer consumer add.",
    ]
    typer.echo("\n".join(lines), err=True)


def _shell_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


SAMPLE_CONSUMER = {
    "name": "Sam (demo)",
    "interests": "bereavement",
    "available": "Tue evening",
    "formats": "in_person",
    "languages": "English",
    "postal_code": "97401",
    "goal": "get through the first year after losing my mum, and meet people who understand",
}


def _run_demo(db: Any, as_json: bool) -> dict[str, Any]:
    """Import the packaged sample groups into `db`, add the sample person, match."""
    from importlib.resources import as_file, files

    from peercli import importers
    from peercli.cli.render import info
    from peercli.core import vocab as fields
    from peercli.core.availability import parse_availability_many
    from peercli.core.languages import normalize_languages
    from peercli.store.clock import now
    from peercli.store.consumers import (
        ConsumerChanges,
        consumer_dict,
        insert_consumer,
        record_consent,
    )
    from peercli.store.db import open_db, write
    from peercli.store.groups import import_records
    from peercli.store.matching import Narrowing, load_consumer, match_groups

    conn = open_db(db)
    try:
        if not as_json:
            info(f"Demo database: {db} (a throwaway copy; your own database is not used)")
        sample = files("peercli").joinpath("data", "groups.sample.csv")
        with as_file(sample) as path:
            stream = importers.iter_records(path, format="native", source="sample")
            summary = import_records(conn, stream, source=stream.source)
        if summary.errors:
            raise PeerError(f"the packaged sample file did not import: {summary.errors[0]}")
        if not as_json:
            info(f"Imported {summary.inserted} sample groups (peer group import).")
        vocabulary = load_vocabulary()
        person = SAMPLE_CONSUMER
        changes = ConsumerChanges(
            scalars={"name": person["name"], "postal_code": person["postal_code"],
                     "goals": person["goal"]},
            lists={"formats": fields.parse_formats(person["formats"]),
                   "languages": list(normalize_languages(person["languages"]))},
            interests=list(vocabulary.normalize(person["interests"]).slugs),
            availability=parse_availability_many([person["available"]]),
        )
        with write(conn):
            cid = insert_consumer(conn, changes)
            record_consent(conn, cid, ["store", "contact", "share"], granted=True,
                           note="demo")
        if not as_json:
            info(f'Added #{cid} {person["name"]}: interested in "{person["interests"]}", free '
                 f'{person["available"]}, in person, English, share consent given '
                 "(peer consumer add).")
        profile = load_consumer(conn, cid)
        matches, _ = match_groups(conn, profile, now(), Narrowing(limit=5),
                                  vocabulary=vocabulary)
        if not as_json:
            info(f"peer match {cid}:")
            render_matches(matches, f"Groups for #{cid} {person['name']}")
        return {
            "db": str(db),
            "import": summary.to_dict(),
            "consumer": consumer_dict(conn, cid),
            "matches": [match_json(m) for m in matches],
            "top_group_id": matches[0].group.id if matches else None,
        }
    finally:
        conn.close()


def register(root: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    root.command("match")(match)
    root.command("refer")(refer)
    root.command("demo")(demo)
