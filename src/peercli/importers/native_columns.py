"""Which column of a spreadsheet holds which field of a group, for the native CSV importer.

Headers are matched ignoring case, spaces and punctuation (``header_key``), through the synonyms
in ``HEADER_SYNONYMS`` ("Group Name", "Day(s)", "Start Time", "Zip", "Conference URL"...); when
two columns claim one field, the closer name wins ("Address" over "Location") and the other is
ignored with a warning. ``mapping`` ("Their Column" -> field, from ``--map``) overrides all of
that; mapping a column to ``ignore`` drops it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from peercli.importers.records import ImportFileError

NATIVE_FIELDS = (
    "id", "name", "organization", "description", "topics", "schedule", "days", "time",
    "end_time", "format", "address", "city", "postal_code", "latitude", "longitude",
    "online_url", "languages", "facilitation", "audience", "accessibility", "cost", "phone",
    "email", "website", "notes", "status",
)
EXTRA_FIELDS = ("timezone", "open_to_newcomers", "last_verified")
MAP_TARGETS = NATIVE_FIELDS + EXTRA_FIELDS
IGNORE = "ignore"


def header_key(header: str) -> str:
    """The form headers are compared in: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


# header key -> (field, priority); lower priority wins when two columns claim one field.
HEADER_SYNONYMS: dict[str, tuple[str, int]] = {}


def _syn(field: str, priority: int, *names: str) -> None:
    for name in names:
        HEADER_SYNONYMS[header_key(name)] = (field, priority)


for _f in MAP_TARGETS:
    _syn(_f, 0, _f)
_syn("id", 1, "Key", "Group ID", "Slug", "UID", "Identifier", "Listing ID", "Record ID", "Ref")
_syn("name", 1, "Group Name", "Meeting Name", "Group Title", "Name of Group", "Program Name",
     "Service Name")
_syn("name", 2, "Meeting", "Group", "Title", "Program", "Service")
_syn("organization", 1, "Organisation", "Org", "Host", "Host Organization", "Sponsor",
     "Provider", "Agency", "Organization Name", "Hosted By", "Run By")
_syn("description", 1, "Details", "About", "Summary", "Group Description", "Info")
_syn("topics", 1, "Topic", "Types", "Category", "Categories", "Focus", "Subjects", "Tags",
     "Issues", "Keywords", "Group Type", "Support Type", "Type of Group", "Type of Support",
     "Kind of Group", "Focus Area", "Group Focus", "Group Category")
_syn("schedule", 1, "When", "Meets", "Meeting Times", "Meeting Time", "Schedule Text",
     "Frequency", "Meeting Schedule", "Times")
_syn("days", 1, "Day", "Day(s)", "Weekday", "Weekdays", "Meeting Day", "Meeting Days",
     "Day of Week", "Days of Week")
_syn("time", 1, "Start", "Start Time", "Starts", "Begins", "Time Start", "Meeting Start",
     "From")
_syn("end_time", 1, "End", "End Time", "Ends", "Finish", "Finish Time", "Time End", "Until",
     "To")
_syn("format", 1, "Type", "Meeting Type", "Mode", "Attendance", "Attendance Option",
     "Online?", "Online", "Virtual", "Virtual?", "In Person?", "In Person", "Hybrid?",
     "Delivery", "Setting")
_syn("address", 1, "Street Address", "Street", "Address 1", "Address Line 1",
     "Full Address", "Formatted Address")
_syn("address", 2, "Location", "Venue", "Place", "Where", "Meeting Location")
_syn("city", 1, "Town", "Municipality", "Locality", "City/Town")
_syn("postal_code", 1, "Zip", "Zip Code", "ZIP", "Postcode", "Post Code", "Postal",
     "Postalcode")
_syn("latitude", 1, "Lat")
_syn("longitude", 1, "Lng", "Lon", "Long")
_syn("online_url", 1, "Conference URL", "Zoom link", "Zoom", "Zoom URL", "Meeting Link",
     "Online Link", "Video Link", "Join URL", "Join Link", "Virtual Link", "Online URL",
     "Meeting URL")
_syn("languages", 1, "Language", "Lang", "Languages Spoken", "Spoken Language")
_syn("facilitation", 1, "Led By", "Facilitator", "Facilitated By", "Leadership",
     "Facilitation Type", "Led")
_syn("audience", 1, "For", "Who", "Who Is It For", "Population", "Intended For",
     "Eligibility", "Target Audience")
_syn("accessibility", 1, "Access", "Accessible", "Accessibility Notes", "Access Notes")
_syn("cost", 1, "Fee", "Fees", "Price", "Charge")
_syn("phone", 1, "Phone Number", "Telephone", "Tel", "Contact Phone", "Phone #")
_syn("phone", 2, "Contact")
_syn("email", 1, "E-mail", "Email Address", "Contact Email")
_syn("website", 1, "URL", "Web", "Web Site", "Webpage", "Site", "Homepage", "Link")
_syn("notes", 1, "Note", "Comments", "Remarks", "Additional Info", "Other Info")
_syn("status", 1, "Active?", "State of Group", "Group Status")
_syn("timezone", 1, "Time Zone", "TZ")
_syn("open_to_newcomers", 1, "Newcomers", "Newcomers Welcome", "Open to Newcomers",
     "Open?", "Open/Closed")
_syn("last_verified", 1, "Verified", "Last Verified On", "Date Verified", "Last Checked")


def _day_and_time(header: str) -> tuple[str, int] | None:
    """A header naming days and times together ("Meeting Days/Times", "Day & Time",
    "Days and Hours") holds the schedule as written, unless it dates an edit ("Date/Time
    Updated"); only when no synonym named it."""
    words = set(re.findall(r"[a-z]+", header.casefold()))
    days = words & {"day", "days", "date", "dates"}
    times = words & {"time", "times", "hour", "hours"}
    stamp = words & {"updated", "verified", "modified", "created", "checked", "last", "added",
                     "edited", "entered", "reviewed"}
    return ("schedule", 3) if days and times and not stamp else None


@dataclasses.dataclass(frozen=True)
class ColumnPlan:
    """Which file column feeds which field (column index), and what was left out."""

    headers: tuple[str, ...]
    columns: dict[str, int]
    ignored: tuple[str, ...]
    warnings: tuple[str, ...]


def plan_columns(headers: list[str], mapping: Mapping[str, str] | None = None) -> ColumnPlan:
    """Match headers to fields (synonyms, then ``mapping`` overrides); validates ``mapping``."""
    headers = [h.strip().lstrip("\ufeff") for h in headers]
    shown = ", ".join(f"'{h}'" for h in headers if h) or "(none)"
    forced: dict[int, str] = {}
    for their, field in (mapping or {}).items():
        target = field.strip().lower().replace("-", "_").replace(" ", "_")
        if target not in MAP_TARGETS and target not in (IGNORE, "-"):
            raise ImportFileError(
                f"--map '{their}={field}': unknown field '{field}'; valid fields are: "
                + ", ".join(MAP_TARGETS) + f" (or '{IGNORE}')"
            )
        matches = [i for i, h in enumerate(headers) if h == their.strip()]
        if not matches:
            matches = [i for i, h in enumerate(headers) if header_key(h) == header_key(their)]
        if not matches:
            raise ImportFileError(
                f"--map '{their}={field}': this file has no column '{their}'; "
                f"its columns are: {shown}"
            )
        forced[matches[0]] = IGNORE if target == "-" else target
    best: dict[str, tuple[int, int]] = {}
    for i, h in enumerate(headers):
        if i in forced:
            continue
        hit = HEADER_SYNONYMS.get(header_key(h)) or _day_and_time(h)
        if hit is None:
            continue
        field, prio = hit
        if field in forced.values():
            continue
        if field not in best or prio < best[field][0]:
            best[field] = (prio, i)
    columns = {field: i for field, (_, i) in best.items()}
    columns.update({field: i for i, field in forced.items() if field != IGNORE})
    used = set(columns.values())
    ignored = tuple(h for i, h in enumerate(headers) if i not in used and h)
    warnings = []
    for i, h in enumerate(headers):
        hit = HEADER_SYNONYMS.get(header_key(h))
        if i not in used and i not in forced and hit and hit[0] in columns:
            warnings.append(
                f"column '{h}' also looks like {hit[0]}; using '{headers[columns[hit[0]]]}' "
                f"(use --map to choose)"
            )
    return ColumnPlan(tuple(headers), columns, ignored, tuple(warnings))


def require_columns(plan: ColumnPlan) -> None:
    shown = ", ".join(f"'{h}'" for h in plan.headers if h) or "(none)"
    if "name" not in plan.columns:
        raise ImportFileError(
            "no column holds the group name; expected 'name' (or 'Group Name', 'Meeting'...). "
            f"This file's columns are: {shown}. Use --map 'Their Column=name'"
        )
    if not {"schedule", "days", "time"} & set(plan.columns):
        raise ImportFileError(
            "no schedule column; expected 'schedule' (like \"Tuesdays 6-7:30pm\") or 'days' "
            f"and 'time'. This file's columns are: {shown}. Use --map 'Their Column=schedule'"
        )


