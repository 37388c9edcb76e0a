"""How ``--help`` looks, for ``peer`` and every sub-command alike: plain text sized for an
80-column terminal, ending with real examples (as ``gh`` does).

The layout, top to bottom::

    Usage: peer checkin log [OPTIONS] CONSUMER

      One-line summary.

      Further paragraphs, rewrapped to the terminal (a line starting with "- " is a list item).

    Arguments:
      CONSUMER  Consumer id or name prefix.

    Options:
      -m, --mode <str>  How you met ...

    Commands:              (groups only: each sub-command's one-line summary)

    Examples:
      $ peer checkin Sam --mode phone --minutes 25 --mood 3

Typer would render sub-command help with Rich panels and markup (where ``[flags]`` in a help
text silently vanishes) and the top level plainly; ``use_peer_help`` gives every command of a
tree this one plain layout instead. ``app.load_command`` applies it as each command is built,
and the root group calls :func:`format_help` itself, so ``peer --help`` imports no command
module and no Rich. Examples live here, in one table keyed by command path, so that a test can
check that every command has them and that each one parses.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

# Every command's examples, keyed by its path below `peer` ("" is `peer` itself). Each line is
# a command a specialist would type; a line starting with "#" is a comment shown above the
# next one. tests/test_help.py checks every command has 2-3 and that each parses.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "": (
        "peer demo",
        'peer consumer add "Sam Rivera" --interests grief --available "Tue evening"',
        "peer match Sam",
    ),
    "consumer": (
        'peer consumer add "Sam Rivera" --interests grief --available "Tue evening"',
        "peer consumer show Sam",
        "peer consumer edit Sam --every 2w --access wheelchair",
    ),
    "consumer add": (
        ('peer consumer add "Sam Rivera" --interests "bereavement, walking" \\\n'
        '    --available "Tue evening, weekend mornings" --consent all'),
        'peer consumer add Jo --languages "es, en" --formats online --every 2w',
    ),
    "consumer edit": (
        "peer consumer edit Sam --every 2w --access wheelchair",
        'peer consumer edit 3 --available "weekdays after 5pm" --formats online',
    ),
    "consumer list": (
        "peer consumer list",
        "peer consumer list --all --json",
    ),
    "consumer show": (
        "peer consumer show Sam",
        "peer consumer show 3 --json",
    ),
    "consumer archive": (
        "peer consumer archive Sam --yes",
        "peer consumer archive Sam --undo",
    ),
    "consumer consent": (
        'peer consumer consent Sam grant share --note "signed form"',
        "peer consumer consent Sam revoke contact",
        "peer consumer consent Sam",
    ),
    "consumer export": (
        "peer consumer export Sam -o sam.json",
        "peer consumer export 3 | less",
    ),
    "consumer forget": (
        "peer consumer forget Sam",
        "peer consumer forget 3 --yes --json",
    ),
    "group": (
        "peer group import county-groups.csv --dry-run",
        "peer group list --topic grief --day tue",
        'peer group show "Tuesday Grief"',
    ),
    "group import": (
        "peer group import county-groups.csv --dry-run",
        'peer group import their.csv --delimiter ";" --map "Meets on=days"',
        "peer group import https://aa.example.org/meetings.json --fellowship aa",
    ),
    "group list": (
        "peer group list --topic grief --day tue",
        "peer group list --format online --language es",
        "peer group list --source county-groups --all --json",
    ),
    "group search": (
        "peer group search walking",
        'peer group search "spanish anx" --all',
    ),
    "group show": (
        'peer group show "Tuesday Grief"',
        "peer group show 12 --json",
    ),
    "group add": (
        'peer group add "Knit & Natter" --schedule "Thursdays 1-3pm" --topics crafts',
        ('peer group add "Online Grief" --schedule "Mondays 7pm" --format online \\\n'
        "    --online-url https://meet.example.org/grief"),
    ),
    "group edit": (
        'peer group edit "Knit &" --schedule "Thursdays 1-3pm"',
        "peer group edit 12 --newcomers no --cost free",
    ),
    "group retire": (
        'peer group retire "Knit &" --yes',
        "peer group retire 12 --undo",
    ),
    "group sources": (
        "peer group sources",
        "peer group sources --json",
    ),
    "group refresh": (
        "peer group refresh",
        "peer group refresh county-groups --json",
        "peer group refresh aa-intergroup --force",
    ),
    "match": (
        "peer match Sam",
        "peer match Sam --near-misses --within 10 --format online",
        'peer match --group "Tuesday Grief"',
    ),
    "refer": (
        'peer refer Sam "Tuesday Grief Circle" --note "will try Tuesday"',
        "peer refer Sam 1 39 --goal 1",
        'peer refer Sam 4 --override-consent --reason "verbal ok, form pending"',
    ),
    "referral": (
        "peer referral list --status referred",
        "peer referral show 1",
        'peer referral update 1 attended --note "went, liked it"',
    ),
    "referral list": (
        "peer referral list",
        "peer referral list Sam --status referred --json",
    ),
    "referral show": (
        "peer referral show 1",
        "peer referral show 1 --json",
    ),
    "referral update": (
        'peer referral update 1 attended --note "went, liked it"',
        'peer referral update 2 no_show --note "bus was late"',
    ),
    "checkin": (
        'peer checkin Sam --mode phone --minutes 25 --mood 3 --next "next tuesday"',
        'peer checkin amend 4 --minutes 45 --reason "started at 8:55"',
        "peer checkin show 4",
    ),
    "checkin log": (
        'peer checkin Sam --mode phone --minutes 25 --mood 3 --next "next tuesday"',
        'peer checkin log Sam --mode in_person --start 9:00 --end 9:40 --attended 1',
        'peer checkin 3 --mode text --minutes 5 --note "before the group" --sign',
    ),
    "checkin amend": (
        'peer checkin amend 4 --minutes 45 --reason "started at 8:55"',
        'peer checkin amend 4 --mood 2 --reason "misread my notes" --json',
    ),
    "checkin show": (
        "peer checkin show 4",
        "peer checkin show 4 --json",
    ),
    "due": (
        "peer due",
        "peer due --days 7",
        "peer due --json",
    ),
    "timeline": (
        "peer timeline Sam",
        "peer timeline 3 --json",
    ),
    "notes": (
        "peer notes Sam --month 2026-11",
        "peer notes unsigned",
        "peer notes sign 12 13",
    ),
    "notes print": (
        "peer notes print --month 2026-11",
        "peer notes print Sam --month 2026-11 --out -",
    ),
    "notes sign": (
        "peer notes sign 12",
        "peer notes sign 12 13 14 --json",
    ),
    "notes unsigned": (
        "peer notes unsigned",
        "peer notes unsigned Sam --json",
    ),
    "notes group": (
        'peer notes group -a Sam -a Alex --minutes 60 --topic "the holidays"',
        'peer notes group -a "Sam, Alex" --start 18:30 --end 20:00 --group 1',
    ),
    "plan": (
        "peer plan Sam",
        'peer plan add Sam "get my license back" --target 6m',
        'peer plan review Sam --note "both goals still fit"',
    ),
    "plan show": (
        "peer plan show Sam",
        "peer plan Sam --json",
    ),
    "plan add": (
        'peer plan add Sam "get my license back" --target 6m',
        'peer plan add 3 "see my kids every other weekend"',
    ),
    "plan step": (
        'peer plan step Sam 1 "pass the written test" --target 2w',
        'peer plan step Sam 2 "call the family court clerk"',
    ),
    "plan done": (
        "peer plan done Sam 1.1",
        "peer plan done 3 2.1",
    ),
    "plan status": (
        'peer plan status Sam 1 met --note "got the license on Friday"',
        "peer plan status Sam 2 active --target 3m",
    ),
    "plan reword": (
        'peer plan reword Sam 1 "drive my kids to school"',
        'peer plan reword Sam 2 "see my kids every weekend" --target 6m',
    ),
    "plan review": (
        'peer plan review Sam --note "both goals still fit"',
        "peer plan review Sam --on 2026-11-20",
    ),
    "consent": (
        'peer consent add Sam --recipient "Hope Center" --share "name, attendance"',
        "peer consent list Sam",
        'peer consent form Sam --recipient "Hope Center"',
    ),
    "consent add": (
        'peer consent add Sam --recipient "Hope Center" --share "name, attendance"',
        'peer consent add Sam --group 1 --expires 6m --signed 2026-11-20',
    ),
    "consent list": (
        "peer consent list Sam",
        "peer consent list Sam --json",
    ),
    "consent revoke": (
        "peer consent revoke 1",
        'peer consent revoke 2 --note "by phone"',
    ),
    "consent form": (
        'peer consent form Sam --recipient "Hope Center"',
        'peer consent form Sam --group "Tuesday Grief" --purpose referral --out -',
    ),
    "handout": (
        "peer handout Sam",
        "peer handout Sam --sms",
        "peer handout Sam --lang es --out sam-grupos.html",
    ),
    "report": (
        "peer report --month 2026-11",
        "peer report --from 2026-10-01 --to 2026-12-31 --format csv",
        "peer report --month 2026-11 --json",
    ),
    "calendar": (
        "peer calendar Sam -o sam.ics",
        "peer calendar Sam -o -",
    ),
    "export": (
        "peer export -o ~/peer-export",
        "peer export -o ~/peer-export --format csv --force",
    ),
    "db": (
        "peer db path",
        "peer db backup",
        "peer db check",
    ),
    "db path": (
        "peer db path",
        "peer --db ~/work/peer.db db path",
    ),
    "db backup": (
        "peer db backup",
        "peer db backup /media/usb/peer-2026-11.db",
    ),
    "db restore": (
        "peer db restore ~/.local/share/peer/backups/peer-20261121-100000.db",
        "peer db restore /media/usb/peer-2026-11.db --yes",
    ),
    "db check": (
        "peer db check",
        "peer db check --json",
    ),
    "db encrypt": (
        "peer db encrypt",
        "peer db encrypt --new-key-file ~/.peer-key --no-keyring",
    ),
    "db rekey": (
        "peer db rekey",
        "peer db rekey --new-key-file ~/.peer-key-2026",
    ),
    "db decrypt": (
        "peer db decrypt",
        "peer db decrypt --yes",
    ),
    "db remember-key": (
        "peer db remember-key",
        "peer --db ~/work/peer.db db remember-key",
    ),
    "config": (
        "peer config",
        'peer config set name "Ana Ruiz"',
        "peer config unset consent-policy",
    ),
    "config show": (
        "peer config show",
        "peer config show --json",
    ),
    "config set": (
        'peer config set name "Ana Ruiz"',
        "peer config set credential CPRS",
        "peer config set consent-policy release",
    ),
    "config unset": (
        "peer config unset consent-policy",
        "peer config unset phone",
    ),
    "topics": (
        "peer topics",
        "peer topics | grep grief",
    ),
    "demo": (
        "peer demo",
        "peer demo --keep",
    ),
}


def command_path(ctx: Any) -> str:
    """The command's path below `peer`: "" for peer itself, "checkin log" for a sub-command."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names))


def summary(help_text: str | None) -> str:
    """The first paragraph of a help text, on one line."""
    paragraphs = _paragraphs(help_text or "")
    return " ".join(paragraphs[0].split()) if paragraphs else ""


def usage_pieces(command: Any, ctx: Any) -> list[str]:
    """`[OPTIONS] COMMAND [ARGS]...` for a group; `[OPTIONS] CONSUMER [GROUPS]...` and the like
    for a command: arguments in capitals, optional ones in brackets, repeatable ones with ...."""
    if hasattr(command, "commands"):
        return ["[OPTIONS]", "COMMAND", "[ARGS]..."]
    pieces = ["[OPTIONS]"]  # --help at least
    for param in command.params:
        if param.param_type_name == "argument":
            name = argument_name(param)
            name = name if param.required else f"[{name}]"
            pieces.append(name + ("..." if param.nargs != 1 else ""))
    return pieces


def argument_name(param: Any) -> str:
    return str(param.metavar or param.name or "").strip("[]{}.").upper().replace("-", "_")


def format_help(command: Any, ctx: Any, formatter: Any,
                commands: Sequence[tuple[str, str]] | None = None) -> None:
    """Write `command`'s help in peer's one plain layout. ``commands`` gives a group's rows
    (name, summary) when the group lists them without loading its commands (the root)."""
    width = max(formatter.width, 40)
    lines = _usage_lines(ctx.command_path, usage_pieces(command, ctx), width)
    text = command.help or ""
    if text:
        lines.append("")
        for i, paragraph in enumerate(_paragraphs(text)):
            if i:
                lines.append("")
            lines.extend(_wrap_paragraph(paragraph, width, indent=2))
    arguments = [(argument_name(p), " ".join((p.help or "").split()))
                 for p in command.params if p.param_type_name == "argument"]
    options = [_option_row(p, ctx) for p in command.get_params(ctx)
               if p.param_type_name == "option" and not p.hidden]
    if commands is None and hasattr(command, "commands"):
        commands = [(name, summary(sub.help or sub.short_help))
                    for name in command.list_commands(ctx)
                    if (sub := command.get_command(ctx, name)) is not None and not sub.hidden]
    for title, rows in (("Arguments", arguments), ("Options", [r for r in options if r]),
                        ("Commands", list(commands or []))):
        if rows:
            lines += ["", f"{title}:", *_definition_list(rows, width)]
    examples = EXAMPLES.get(command_path(ctx), ())
    if examples:
        lines += ["", "Examples:"]
        for example in examples:
            for i, line in enumerate(example.splitlines()):
                lines.append(("  " if line.startswith("#") or i else "  $ ") + line)
    formatter.write("\n".join(lines) + "\n")


def use_peer_help(command: Any) -> Any:
    """Give ``command`` and every sub-command under it peer's help layout (instead of Typer's
    Rich panels); returns ``command``."""
    from types import MethodType

    def format_this(self: Any, ctx: Any, formatter: Any) -> None:
        format_help(self, ctx, formatter)

    def usage_of_this(self: Any, ctx: Any) -> list[str]:  # the usage line of an error, too
        return usage_pieces(self, ctx)

    command.rich_markup_mode = None
    command.format_help = MethodType(format_this, command)
    for param in getattr(command, "params", []):
        if param.param_type_name == "argument":  # "Missing argument 'CONSUMER'." as help says
            param.metavar = argument_name(param)
    command.collect_usage_pieces = MethodType(usage_of_this, command)
    for sub in getattr(command, "commands", {}).values():
        use_peer_help(sub)
    return command


def _usage_lines(prog: str, pieces: list[str], width: int) -> list[str]:
    prefix = f"Usage: {prog} "
    if not pieces:
        return [prefix.rstrip()]
    return textwrap.wrap(" ".join(pieces), width, initial_indent=prefix,
                         subsequent_indent=" " * min(len(prefix), 20), break_long_words=False,
                         break_on_hyphens=False)


def _paragraphs(text: str) -> list[str]:
    import inspect

    text = inspect.cleandoc(text).partition("\f")[0]
    return [p.strip("\n") for p in text.split("\n\n") if p.strip()]


def _wrap_paragraph(paragraph: str, width: int, indent: int) -> list[str]:
    """A paragraph rewrapped; "\\b" keeps it as written; "- " lines are list items."""
    pad = " " * indent
    raw = paragraph.splitlines()
    if raw and raw[0].strip() == "\b":
        return [pad + line for line in raw[1:]]
    items: list[str] = []
    for line in raw:
        if line.lstrip().startswith("- ") or not items:
            items.append(line.strip())
        else:
            items[-1] += " " + line.strip()
    out: list[str] = []
    for item in items:
        hang = "  " if item.startswith("- ") else ""
        out += textwrap.wrap(" ".join(item.split()), width, initial_indent=pad,
                             subsequent_indent=pad + hang, break_long_words=False,
                             break_on_hyphens=False)
    return out


def _option_row(param: Any, ctx: Any) -> tuple[str, str] | None:
    record = param.get_help_record(ctx)
    if record is None:
        return None
    term, text = record
    text = " ".join(text.split())
    extras = re.search(r" ?\[([^\[\]]*)\]$", text)
    if extras and re.search(r"\bdefault\b", param.help or "", re.IGNORECASE):
        # the help already says what the default is, in words: drop Typer's "[default: x]"
        kept = [item for item in extras[1].split("; ") if not item.startswith("default:")]
        text = text[:extras.start()] + (f" [{'; '.join(kept)}]" if kept else "")
    return term, text


def _definition_list(rows: Iterable[tuple[str, str]], width: int) -> list[str]:
    """Two columns: the term, then its text wrapped beside it (or below a long term)."""
    rows = list(rows)
    column = min(max(len(term) for term, _ in rows), 30) + 4
    out: list[str] = []
    for term, text in rows:
        wrapped = textwrap.wrap(text, max(width - column, 20), break_long_words=False,
                                break_on_hyphens=False) or [""]
        if len(term) + 4 > column:
            out.append(f"  {term}")
            out += [" " * column + line for line in wrapped]
            continue
        out.append(f"  {term:<{column - 2}}{wrapped[0]}".rstrip())
        out += [" " * column + line for line in wrapped[1:]]
    return out
