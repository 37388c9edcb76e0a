"""``peer match`` (rank groups for a person, or people for a group) and ``peer refer`` (turn picks
into tracked referrals, consent enforced). The workflow itself is ``store.referrals.refer``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from peercli.cli.options import JsonOpt
from peercli.cli.registry import add_command
from peercli.cli.render import echo
from peercli.core.errors import PeerError, UsageError
from peercli.core.scores import canonical_score, score_text

if TYPE_CHECKING:
    import sqlite3

    from peercli.core.matching import ConsumerProfile, Match, MatchOptions
    from peercli.core.topics import Vocabulary
    from peercli.store.match_requests import ConsumerMatches


# -- peer match -----------------------------------------------------------------------------

#: The longer options of ``peer match`` (their help is a paragraph).
NearMissesOpt = Annotated[bool, typer.Option(
    "--near-misses", help="Also show groups meeting within 30 minutes of the free time, and the "
                          "groups one thing rules out (with that thing, and the change to the "
                          "person's record that would open most), looked for among at most "
                          "5,000 groups on the person's topics, most promising first.")]
ProofOfAttendanceOpt = Annotated[bool, typer.Option(
    "--proof-of-attendance", help="Only groups whose listing says they sign attendance slips "
                                  "(court or programme requirements; Meeting Guide POA, a BMLT "
                                  "format naming it).")]
WithinOpt = Annotated[float | None, typer.Option(
    "--within", min=0.5, max=20000, help="In-person groups farther than this many km are near "
                                          "misses (default 20).", show_default=False)]


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


def _explain(conn: sqlite3.Connection, consumer_ref: str, group_ref: str,
             options: MatchOptions, as_json: bool) -> None:
    from peercli.cli.commands.matchview import next_text
    from peercli.cli.render import console, print_json
    from peercli.core.contract import match_dict, when_text, where_text
    from peercli.store.clock import now
    from peercli.store.match_requests import explain_for

    found = explain_for(conn, consumer_ref, group_ref, options, now())
    consumer, match = found.profile, found.match
    total = options.weights.total
    parts = {
        name: {"value": match.breakdown[name], "weight": weight,
               "points": round(weight * match.breakdown[name] / total, 4)}
        for name, weight in options.weights.items()
    }
    data = {**match_dict(match), "consumer_id": consumer.id, "passed": match.passed,
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
    out.print(f"  score {canonical_score(match.score):.3f} = sum(weight × component) / {total:g}")
    for name, p in parts.items():
        out.print(f"    {name:<10} {p['value']:.2f} × {p['weight']:.2f}  → {p['points']:.3f}")
    out.print(f"  when   {escape(when_text(match))} (next: {next_text(match.next_meeting)})")
    out.print(f"  where  {escape(where_text(match))}")
    for reason in match.reasons:
        out.print(f"  · {escape(reason)}")


def _group_match(conn: sqlite3.Connection, group_ref: str, options: MatchOptions,
                 as_json: bool) -> None:
    from peercli.cli.render import print_json, table, warn
    from peercli.store.clock import now
    from peercli.store.match_requests import consumers_for

    found = consumers_for(conn, group_ref, options, now())
    group, matches = found.group, found.matches
    if found.was_inactive and not as_json:
        warn(f"group #{group.id} is inactive; showing who it would suit if it met again")
    if as_json:
        print_json([{"consumer_id": m.consumer.id, "name": m.consumer.name,
                     "score": canonical_score(m.score), "reasons": list(m.reasons),
                     "near_miss": m.near_miss} for m in matches])
        return
    if not matches:
        echo(f"No active consumer fits group #{group.id} (format, language, access, "
                   "audience and free time all have to fit; try --near-misses).")
        return
    table(f"People group #{group.id} {group.name} would suit",
          ["#", "Consumer", "Score", "Why"],
          [[i, f"#{m.consumer.id} {m.consumer.name}", score_text(m.score), "\n".join(m.reasons)]
           for i, m in enumerate(matches, start=1)], show_lines=True)


def _pick_and_refer(conn: sqlite3.Connection, consumer: ConsumerProfile, matches: list[Match],
                    vocabulary: Vocabulary) -> None:
    from peercli.cli import prompts
    from peercli.cli.commands.matchview import echo_referrals
    from peercli.cli.render import info, warn
    from peercli.core.contract import when_text
    from peercli.store.clock import now
    from peercli.store.consumers import has_consent
    from peercli.store.referrals import refer

    choices = [(str(m.group.id), f"{i}. {m.group.name} — {when_text(m)}")
               for i, m in enumerate(matches, start=1)]
    picked = prompts.checkbox("Refer to which groups?", choices, label="Refer to:")
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
    outcome = refer(conn, consumer.id, chosen, now=now(), vocabulary=vocabulary, note=note,
                    override=override)
    echo_referrals(outcome.records)


def _refuse_mixed_modes(consumer: str | None, group: str | None, *, proof_of_attendance: bool,
                        one_person: tuple[tuple[str, bool], ...]) -> None:
    """One mode per run: a consumer's groups, or --group's people (UsageError otherwise);
    `one_person` are the flags that only look at one person's groups."""
    from peercli.cli.options import refuse_together

    if group is not None and consumer is not None:
        raise UsageError("give either a consumer (peer match Sam) or --group G, not both")
    if group is not None and proof_of_attendance:
        raise UsageError("--proof-of-attendance applies to peer match CONSUMER, not to --group")
    if group is None and consumer is None:
        raise UsageError("missing CONSUMER: peer match Sam (or peer match --group G to rank "
                        "people for a group)")
    for flag, given in one_person:
        refuse_together(("--group", group is not None), (flag, given))


def _match_options(shown: int, vocabulary: Vocabulary, *, near_misses: bool, any_topic: bool, include_current: bool,
                   stale_after: int, within: float | None,
                   proof_of_attendance: bool) -> MatchOptions:
    """The search's choices from the flags, with the topic relations loaded."""
    from peercli.core.matching import MatchOptions
    from peercli.core.matching.model import DEFAULT_MAX_KM
    from peercli.importers.userfiles import load_topic_relations

    return MatchOptions(near_misses=near_misses, any_topic=any_topic, limit=shown,
                        vocabulary=vocabulary, relations=load_topic_relations(),
                        include_current=include_current,
                        stale_after_days=round(stale_after * 365 / 12),
                        max_km=within if within is not None else DEFAULT_MAX_KM,
                        proof_of_attendance=proof_of_attendance)


def match(
    consumer: Annotated[str | None, typer.Argument(
        help="Consumer id or name prefix.", show_default=False)] = None,
    limit: Annotated[int | None, typer.Option(
        "--limit", "-n", min=1, max=1000,
        help="How many new groups to show (default 5 on screen, 10 with --json).",
        show_default=False)] = None,
    topic: Annotated[str | None, typer.Option(
        "--topic", help="Only groups about this topic (e.g. grief).")] = None,
    format_: Annotated[str | None, typer.Option(
        "--format", help="Only groups the person can attend this way: in_person, online, hybrid."
    )] = None,
    day: Annotated[str | None, typer.Option(
        "--day", help="Only meetings on this day (Mon..Sun), inside the person's free time.")
    ] = None,
    near_misses: NearMissesOpt = False,
    include_current: Annotated[bool, typer.Option(
        "--include-current", help="Rank groups the person is already referred to or attending "
                                  "among the new ones (marked) instead of after them.")
    ] = False,
    wide: Annotated[bool, typer.Option(
        "--wide", help="The full table (every reason on its own line) instead of the compact "
                       "list.")] = False,
    within: WithinOpt = None,
    stale_after: Annotated[int, typer.Option(
        "--stale-after", min=1, max=120, help="Months after which a listing not verified is "
                                              "marked stale and ranks a little lower.")] = 12,
    any_topic: Annotated[bool, typer.Option(
        "--any-topic", help="Also show groups that share none of the person's interests.")
    ] = False,
    proof_of_attendance: ProofOfAttendanceOpt = False,
    explain: Annotated[str | None, typer.Option(
        "--explain", help="Show the whole score breakdown for one group (id or name), "
                          "including the filter that removed it.", show_default=False)] = None,
    group: Annotated[str | None, typer.Option(
        "--group", help="Rank the active consumers this group (id or name) would suit.",
        show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank the groups that fit a person, with reasons and next meetings.

    On a terminal, pick the ones to refer. --near-misses adds what almost fits and why;
    --explain G shows one group's whole score; --group G ranks the people a group would suit."""
    from peercli.cli import runtime
    from peercli.importers.userfiles import load_vocabulary

    _refuse_mixed_modes(consumer, group, proof_of_attendance=proof_of_attendance,
                        one_person=(("--explain", explain is not None),
                                    ("--topic", topic is not None),
                                    ("--format", format_ is not None),
                                    ("--day", day is not None), ("--wide", wide)))
    day_value = _parse_day(day) if day is not None else None
    fmt = _parse_format(format_) if format_ is not None else None
    vocabulary = load_vocabulary()
    options = _match_options(
        limit if limit is not None else (10 if as_json else 5), vocabulary, near_misses=near_misses,
        any_topic=any_topic, include_current=include_current, stale_after=stale_after,
        within=within, proof_of_attendance=proof_of_attendance)
    conn = runtime.conn()
    if group is not None:
        _group_match(conn, group, options, as_json)
        return
    assert consumer is not None
    if explain is not None:
        _explain(conn, consumer, explain, options, as_json)
        return
    wanted = _Wanted(topic=topic, fmt=fmt, day=day_value, options=options, vocabulary=vocabulary,
                     wide=wide)
    _consumer_match(conn, consumer, wanted, as_json)


@dataclass(frozen=True)
class _Wanted:
    """What ``peer match CONSUMER`` was asked for, parsed."""

    topic: str | None
    fmt: str | None
    day: int | None
    options: MatchOptions  # --topic and --format are added once read against the profile
    vocabulary: Vocabulary
    wide: bool = False


def _consumer_match(conn: sqlite3.Connection, consumer_ref: str, wanted: _Wanted,
                    as_json: bool) -> None:
    from peercli.cli import runtime
    from peercli.cli.render import print_json
    from peercli.core.contract import match_dict
    from peercli.store.clock import now
    from peercli.store.match_requests import match_for

    found = match_for(conn, consumer_ref, wanted.options, now(), topic=wanted.topic,
                      fmt=wanted.fmt, day=wanted.day, misses_when_empty=not as_json)
    if as_json:
        extra = found.misses if found.options.near_misses else []
        print_json([match_dict(m) for m in [*found.matches, *extra]])
        return
    _show(found, wanted)
    if found.matches and runtime.can_prompt():
        _pick_and_refer(conn, found.profile, found.matches, wanted.vocabulary)


def _show(found: ConsumerMatches, wanted: _Wanted) -> None:
    from peercli.cli.commands.matchview import (
        render_compact,
        render_current,
        render_matches,
        render_near_misses,
    )

    profile, fresh = found.profile, found.fresh
    title = f"Groups for #{profile.id} {profile.name}"
    if fresh:
        if wanted.wide:
            render_matches(fresh, title)
        else:
            render_compact(fresh, f"{title} — {_profile_line(profile)}")
    else:
        echo(f"No new group fits #{profile.id} {profile.name} ({_profile_line(profile)}).")
    render_current(found.current)
    if found.misses or (found.changes and not fresh):
        heading = ("Near misses (one thing rules each out):" if fresh
                   else "Closest groups, and the one thing that rules each out:")
        render_near_misses(found.misses, found.changes, found.near_total, heading)
    elif not fresh:
        _no_match(wanted)


def _profile_line(profile: ConsumerProfile) -> str:
    from peercli.core.matching import window_label

    bits = []
    if profile.windows:
        free = window_label(profile.windows[0])
        more = len(profile.windows) - 1
        bits.append(f"free {free}" + (f" +{more}" if more > 0 else ""))
    if profile.formats:
        bits.append(" or ".join(f.replace("_", " ") for f in profile.formats))
    if profile.languages:
        from peercli.core.languages import language_name

        bits.append("/".join(language_name(c) for c in profile.languages))
    return " · ".join(bits) or "no free time, formats or languages recorded"


def _no_match(wanted: _Wanted) -> None:
    options = wanted.options
    hint = "" if options.any_topic else " Try --any-topic for groups on other topics."
    if options.proof_of_attendance:
        hint += (" Only groups whose listing says they sign attendance slips were considered "
                 "(--proof-of-attendance): many groups sign when asked, so call the closest "
                 "ones (peer match without the flag).")
    echo(f"Nothing is close either: topics, format, language, access needs, audience, distance "
         f"and free time all have to fit.{hint}")


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
    goal: Annotated[str | None, typer.Option(
        "--goal", help="The plan goal this referral serves (1, 2 … as peer plan shows).",
        show_default=False)] = None,
    as_json: JsonOpt = False,
) -> None:
    """Refer a person to one or more groups, each as a tracked referral.

    Each referral keeps today's score and reasons.

    Consent: a release of information covering the group (or its organisation) is used when
    there is one, else the general share consent (unless the programme's consent-policy is
    'release'); the output names the one used."""
    from peercli.cli import runtime
    from peercli.cli.commands.matchview import echo_referrals
    from peercli.cli.render import print_json, warn
    from peercli.core.referrals import override_reason
    from peercli.importers.userfiles import load_vocabulary
    from peercli.store.clock import now
    from peercli.store.lookup import resolve, resolve_active_consumer
    from peercli.store.referrals import refer as refer_groups

    override = override_reason(override_consent, reason)
    conn = runtime.conn()
    row = resolve_active_consumer(conn, consumer)
    ids = list(dict.fromkeys(resolve(conn, "group", ref)["id"] for ref in groups))
    goal_id = None
    if goal is not None:
        from peercli.store.plans import get_goal

        goal_id = get_goal(conn, row["id"], goal)["id"]
    outcome = refer_groups(conn, row["id"], ids, now=now(), vocabulary=load_vocabulary(),
                           note=note.strip() if note else None, override=override,
                           goal_id=goal_id)
    if outcome.consent_note:
        warn(outcome.consent_note)
    if as_json:
        print_json(outcome.records)
        return
    for line in outcome.warnings:
        warn(line)
    echo_referrals(outcome.records)


def register(root: typer.Typer) -> None:
    """Add ``match`` and ``refer`` to the root app."""
    add_command(root, "match", match)
    add_command(root, "refer", refer)
