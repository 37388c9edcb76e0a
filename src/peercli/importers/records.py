"""The records every importer produces: one normalized ``GroupRecord`` per group, ``RowError``s
for rows that could not be read, and ``ParseResult`` / ``RecordStream`` to carry them.

Pure data: no SQLite, no Typer. The database side keys a group by ``(source, source_key)`` and
compares ``content_hash()`` to tell *unchanged* from *updated* on re-import.

Conventions (stable; the store and CLI rely on them):

- ``source``: the caller-supplied source name, by default the file stem (``county-groups``);
  Meeting Guide files get ``meetingguide:<stem>`` and HSDS packages ``hsds:<stem>``.
- ``source_key``: the file's own id when it has one (native ``id``, Meeting Guide ``slug`` /
  ``id``, HSDS service ``id``); otherwise ``auto:`` + 16 hex digits of a SHA-1 over the
  normalized name, the canonical meetings (freq, interval, byday, start, end) and the place
  (address, city, postal code, else online URL). Normalized = case-folded, punctuation and
  repeated spaces removed, so "St. Mark's  Hall" and "st marks hall" key the same.
- ``languages``: ISO 639-1 codes; an empty tuple means "the listing does not say" (the matcher
  treats it as English-or-unknown).
- ``format``: ``in_person`` | ``online`` | ``hybrid``; ``status``: ``active`` | ``inactive``;
  ``facilitation``: ``peer-led`` | ``professional`` | ``mutual-aid`` | None (``core.vocab``).
- ``online_phone``: a dial-in number for the online meeting (a phone-only meeting is online);
  ``regions``: the listing's region names, broadest first; ``proof_of_attendance``: the
  meeting signs attendance sheets (court or programme requirements), None = not said;
  ``feedback_url`` / ``feedback_emails``: where the listing wants corrections sent.
- A record with ``meetings == ()`` is a listing with no schedule ("schedule unknown"): see
  ``schedule_unknown``.

Every group obeys the same field rules (:func:`field_problems`), however it arrives: a
``RecordStream`` turns an imported record that breaks one into a ``RowError`` for its line, and
``peer group add/edit`` refuses the flag. The rules: a name that is not blank and at most
``NAME_MAX`` characters, an e-mail address with an "@", text fields of at most
``TEXT_MAX`` characters, and format, status and facilitation from their vocabularies.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError
from peercli.core.vocab import FACILITATIONS, FORMATS, GROUP_STATUSES, or_list

if TYPE_CHECKING:
    from peercli.core.schedule import Meeting



class ImportFileError(PeerError, ValueError):
    """A whole-file problem (not found, too big, undecodable, unknown format, bad JSON).

    ``line`` is the physical line number when the problem has one.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class GroupRecord:
    """One group as read from a listing, normalized (see the module docstring)."""

    source: str
    source_key: str
    name: str
    organization: str | None = None
    description: str | None = None
    topics: tuple[str, ...] = ()
    unknown_topics: tuple[str, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    format: str = "in_person"
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    online_url: str | None = None
    languages: tuple[str, ...] = ()
    facilitation: str | None = None
    audience: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    open_to_newcomers: bool | None = None
    cost: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    notes: str | None = None
    status: str = "active"
    last_verified: date | None = None
    online_phone: str | None = None
    regions: tuple[str, ...] = ()
    proof_of_attendance: bool | None = None
    feedback_url: str | None = None
    feedback_emails: tuple[str, ...] = ()

    def content_hash(self) -> str:
        """A stable hash of every field (source included), to tell unchanged from updated."""
        parts: list[Any] = []
        for f in _RECORD_FIELDS:
            value = getattr(self, f)
            if f in _LATER_FIELDS and value in ((), None):
                continue  # fields added later leave the hash of older listings as it was
            if f == "meetings":
                value = tuple(_meeting_tuple(m) for m in value)
            parts.append((f, value))
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()

    def problems(self) -> list[FieldProblem]:
        """Which of the group field rules this record breaks (none for a good record)."""
        return field_problems({name: getattr(self, name) for name in _CHECKED_FIELDS})


_RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(GroupRecord))
_LATER_FIELDS = frozenset({"online_phone", "regions", "proof_of_attendance", "feedback_url",
                           "feedback_emails"})


def schedule_unknown() -> tuple[Meeting, ...]:
    """The meetings of a listing that gives no schedule: none. The one place importers say
    "schedule unknown", so a richer representation can replace it later."""
    return ()

NAME_MAX = 200
TEXT_MAX = 10_000
#: Free-text fields, each at most TEXT_MAX characters.
TEXT_FIELDS = ("organization", "description", "address", "city", "postal_code", "online_url",
               "cost", "phone", "email", "website", "notes")
_CHECKED_FIELDS = ("name", "format", "status", "facilitation", *TEXT_FIELDS)


@dataclass(frozen=True)
class FieldProblem:
    """A broken field rule. ``message`` may hold ``{what}``, filled with how the field is named
    where it is reported (``--email`` for a flag, ``email`` for an imported row)."""

    field: str
    message: str

    def text(self, what: str | None = None) -> str:
        return self.message.format(what=what or self.field)


def field_problems(values: Mapping[str, Any]) -> list[FieldProblem]:
    """The group field rules, checked on the fields present in ``values`` (field -> value)."""
    out: list[FieldProblem] = []
    name = values.get("name")
    if "name" in values and (name is None or not str(name).strip()):
        out.append(FieldProblem(
            "name", 'the group name is empty: give a name, e.g. "Tuesday Grief Circle"'))
    elif name is not None and len(str(name)) > NAME_MAX:
        out.append(FieldProblem("name", f"the group name is longer than {NAME_MAX} characters"))
    for key, allowed in (("format", FORMATS), ("status", GROUP_STATUSES),
                         ("facilitation", FACILITATIONS)):
        value = values.get(key)
        if value is not None and value not in allowed:
            out.append(FieldProblem(key, "{what}: '" + _braces(str(value)) + "' is not "
                                         + or_list(allowed)))
    email = values.get("email")
    if email and "@" not in str(email):
        out.append(FieldProblem(
            "email", "{what}: '" + _braces(str(email)) + "' is not an email address"))
    for key in TEXT_FIELDS:
        value = values.get(key)
        if value is not None and len(str(value)) > TEXT_MAX:
            out.append(FieldProblem(key, f"{{what}} is longer than {TEXT_MAX:,} characters"))
    for key in ("online_url", "website"):  # only http(s): no javascript:, file:, data: links
        value = values.get(key)
        if value and len(str(value)) <= TEXT_MAX:
            from peercli.core.fieldcheck import url

            try:
                url(str(value))
            except ValueError as exc:
                out.append(FieldProblem(key, "{what}: " + _braces(str(exc))))
    return out


def _braces(text: str) -> str:
    """Text placed inside a FieldProblem message template, with its own braces kept."""
    return text.replace("{", "{{").replace("}", "}}")


_LATER_MEETING_FIELDS = ("approximate", "part_of_day", "bymonth")


def _meeting_tuple(meeting: Any) -> tuple[Any, ...]:
    if dataclasses.is_dataclass(meeting):
        # fields added later count only when set, so stored hashes stay valid
        return tuple(
            (f.name, getattr(meeting, f.name)) for f in dataclasses.fields(meeting)
            if f.name not in _LATER_MEETING_FIELDS or getattr(meeting, f.name)
        )
    return (repr(meeting),)


@dataclass(frozen=True)
class RowError:
    """A row (or Meeting Guide meeting, or HSDS service) that could not be read.

    ``line`` is the physical line number in the file (header = line 1; for a JSON feed the
    line where the meeting object starts; for HSDS the line in the named CSV). ``raw`` is the
    row as read (column -> text) when there is one, for a ``--skip-invalid`` rejects file.
    """

    line: int
    message: str
    raw: dict[str, str] | None = None
    field: str | None = None  # for warnings: the field (or column) the message is about


@dataclass(frozen=True)
class ParseResult:
    """Everything read from one file. ``warnings`` are problems that did not stop a record
    (an ignored coordinate, a meeting "by appointment" with no time, an unknown type code)."""

    records: list[GroupRecord]
    errors: list[RowError]
    rows_read: int
    unknown_topics: frozenset[str]
    format: str = ""
    source: str = ""
    warnings: list[RowError] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()


_NORM = re.compile(r"[^\w]+")


def normalize_key_text(text: str | None) -> str:
    """Case-fold, drop punctuation, squeeze spaces: the form used in automatic keys."""
    if not text:
        return ""
    return " ".join(_NORM.sub(" ", text.replace("'", "").replace("\u2019", "")).casefold().split())


def auto_source_key(
    name: str,
    meetings: tuple[Any, ...],
    *,
    address: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    online_url: str | None = None,
) -> str:
    """The key of a group whose file has no id: normalized name + schedule + place."""
    sched = ";".join(
        f"{getattr(m, 'freq', '')}/{getattr(m, 'interval', '')}/"
        f"{','.join(getattr(m, 'byday', ()) or ())}/{getattr(m, 'start', '')}-{getattr(m, 'end', '')}"
        for m in meetings
    )
    place = "|".join(normalize_key_text(p) for p in (address, city, postal_code))
    if not place.strip("|"):
        place = (online_url or "").strip().casefold()
    text = "\x1f".join((normalize_key_text(name), sched, place))
    return "auto:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


Item = GroupRecord | RowError
ProgressCallback = Callable[[int], None]


class RecordStream:
    """An iterator of ``GroupRecord | RowError`` for streaming a file into the database.

    Header-level problems are raised (as ``ImportFileError``) when the stream is created;
    whole-file problems found later (a decoding failure on line N) are raised while iterating.
    Counters fill in as it goes: ``rows_read``, ``unknown_topics``, ``warnings``.
    A ``source_key`` seen twice in one file is reported as a ``RowError`` on the second row.
    """

    def __init__(
        self,
        format: str,
        source: str,
        items: Iterator[tuple[int, Item]],
        *,
        progress: ProgressCallback | None = None,
        ignored_columns: tuple[str, ...] = (),
    ) -> None:
        self.format = format
        self.source = source
        self.rows_read = 0
        self.unknown_topics: set[str] = set()
        self.warnings: list[RowError] = []
        self.ignored_columns = ignored_columns
        #: which file column went to which field (header -> field), for --dry-run
        self.columns: dict[str, str] = {}
        self._items = items
        self._progress = progress
        self._started = False

    def warn(self, line: int, message: str, field: str | None = None) -> None:
        self.warnings.append(RowError(line, message, field=field))

    def __iter__(self) -> Iterator[Item]:
        if self._started:
            raise RuntimeError("a RecordStream can be iterated only once")
        self._started = True
        seen: dict[str, int] = {}
        progress = self._progress
        for count, (line, item) in enumerate(self._items, 1):
            self.rows_read = count
            if progress is not None and count % 1000 == 0:
                progress(count)
            if isinstance(item, GroupRecord):
                problems = item.problems()
                if problems:
                    yield RowError(line, "; ".join(p.text() for p in problems))
                    continue
                first = seen.get(item.source_key)
                if first is not None:
                    if item.source_key.startswith("auto:"):
                        why = "the same name, schedule and place"
                    else:
                        why = f"the same id '{item.source_key}'"
                    yield RowError(line, f"duplicate: {why} as line {first}")
                    continue
                seen[item.source_key] = line
                if item.unknown_topics:
                    self.unknown_topics.update(item.unknown_topics)
            yield item
        if progress is not None:
            progress(self.rows_read)

    def collect(self) -> ParseResult:
        records: list[GroupRecord] = []
        errors: list[RowError] = []
        for item in self:
            (records if isinstance(item, GroupRecord) else errors).append(item)  # type: ignore[arg-type]
        return ParseResult(
            records=records,
            errors=errors,
            rows_read=self.rows_read,
            unknown_topics=frozenset(self.unknown_topics),
            format=self.format,
            source=self.source,
            warnings=list(self.warnings),
            ignored_columns=self.ignored_columns,
        )
