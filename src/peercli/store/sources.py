"""Directory sources: where each imported source came from (a URL or a file), how it was last
fetched (ETag / Last-Modified, the private cached copy), and what its last import did.

``fetch_source`` brings a URL's feed into the cache (conditional GET; offline falls back to the
last copy with a note saying how old it is); ``remember_source`` / ``record_import`` keep the
``sources`` row; ``list_sources`` is ``peer group sources``. The cache lives next to the database
in ``feeds/`` (directory 0700, files 0600).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from peercli.core.errors import PeerError
from peercli.store.db import now_iso


def cache_dir(conn: sqlite3.Connection) -> Path:
    """``feeds/`` next to the database file (created 0700)."""
    row = conn.execute("PRAGMA database_list").fetchone()
    base = Path(row[2]).parent if row and row[2] else Path.cwd()
    folder = base / "feeds"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def default_source_name(url: str) -> str:
    """"https://na.example.org/main_server/client_interface/json/?..." ->
    "na.example.org/main_server/client_interface/json"."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for suffix in (".json", ".ics", ".csv", ".zip"):
        if path.lower().endswith(suffix):
            path = path[: -len(suffix)]
    name = (parts.hostname or "feed") + path
    return name[:100]


def _cache_name(source: str, suffix: str = "") -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", source).strip("-")[:60] or "feed"
    return f"{slug}-{hashlib.sha1(source.encode()).hexdigest()[:8]}{suffix}"


def get_source(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM sources WHERE name = ?",
                                           (name,)).fetchone()
    return row


def source_options(row: sqlite3.Row | None) -> dict[str, Any]:
    if row is None:
        return {}
    try:
        value = json.loads(row["options"] or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass
class FeedCopy:
    """The local copy of a URL source to import, and what fetching it found."""

    path: Path | None
    status: str  # "fetched" | "not_modified" | "cached" (offline, using the last copy)
    notes: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    changed: bool = True
    formats_path: Path | None = None


def _age(stamp: str | None, now: datetime) -> str:
    if not stamp:
        return "an earlier run"
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return "an earlier run"
    if then.tzinfo is not None and now.tzinfo is None:
        then = then.replace(tzinfo=None)
    days = (now - then).days
    if days <= 0:
        hours = int((now - then).total_seconds() // 3600)
        return "less than an hour ago" if hours <= 0 else f"{hours} hour{'s' * (hours != 1)} ago"
    return f"{days} day{'s' * (days != 1)} ago"


def fetch_source(conn: sqlite3.Connection, name: str, url: str, *, now: datetime,
                 timeout: float | None = None, max_bytes: int | None = None,
                 force: bool = False) -> FeedCopy:
    """Fetch ``url`` for source ``name`` into the cache (see the module docstring)."""
    from peercli.importers.fetch import DEFAULT_TIMEOUT, MAX_FEED_BYTES, FetchError, fetch

    row = get_source(conn, name)
    same_url = row is not None and row["location"] == url
    cached = Path(row["cache_file"]) if row is not None and row["cache_file"] else None
    have_copy = cached is not None and cached.is_file() and same_url
    dest = cache_dir(conn) / _cache_name(name)
    try:
        got = fetch(url, dest, etag=None if force or not have_copy else row["etag"],  # type: ignore[index]
                    last_modified=None if force or not have_copy else row["last_modified"],  # type: ignore[index]
                    timeout=timeout or DEFAULT_TIMEOUT, max_bytes=max_bytes or MAX_FEED_BYTES)
    except FetchError as exc:
        if have_copy and exc.offline:
            note = (f"{exc}; using the copy from {_age(row['fetched_at'], now)}")  # type: ignore[index]
            return FeedCopy(cached, "cached", [note], changed=False,
                            sha256=row["content_sha256"])  # type: ignore[index]
        raise
    if got.status == "not_modified":
        assert cached is not None
        return FeedCopy(cached, "not_modified", [], row["etag"], row["last_modified"],  # type: ignore[index]
                        row["content_sha256"], changed=False)  # type: ignore[index]
    changed = not (same_url and row is not None and row["content_sha256"] == got.sha256)
    return FeedCopy(dest, "fetched", [], got.etag, got.last_modified, got.sha256, changed)


def fetch_bmlt_formats(conn: sqlite3.Connection, name: str, url: str, copy: FeedCopy,
                       *, timeout: float | None = None) -> None:
    """For a BMLT answer without its own formats: GetFormats from the same server, cached next
    to the feed; on failure a note (the import then reads the stock key strings)."""
    from peercli.importers.bmlt import formats_url
    from peercli.importers.fetch import DEFAULT_TIMEOUT, FetchError, fetch

    target = formats_url(url)
    if target is None or copy.path is None:
        return
    dest = cache_dir(conn) / _cache_name(name, ".formats")
    try:
        fetch(target, dest, timeout=timeout or DEFAULT_TIMEOUT)
    except FetchError as exc:
        if dest.is_file():
            copy.notes.append(f"GetFormats: {exc}; using the formats fetched earlier")
        else:
            copy.notes.append(f"GetFormats: {exc}; format codes read by the stock key strings")
            return
    copy.formats_path = dest


def remember_source(conn: sqlite3.Connection, name: str, *, location: str, kind: str,
                    format: str | None, options: dict[str, Any], copy: FeedCopy | None,
                    file_sha: str | None = None) -> None:
    """Create or update the source row with where it came from and how it was fetched; call
    inside write()."""
    stamp = now_iso()
    row = get_source(conn, name)
    fetched = copy is not None and copy.status == "fetched"
    values = {
        "location": location, "kind": kind, "format": format,
        "options": json.dumps(options, sort_keys=True),
        "checked_at": stamp,
    }
    if copy is not None:
        values["cache_file"] = str(copy.path) if copy.path else None
        if copy.status in ("fetched", "not_modified"):
            values["etag"] = copy.etag
            values["last_modified"] = copy.last_modified
        if fetched:
            values["fetched_at"] = stamp
            values["content_sha256"] = copy.sha256
    elif file_sha is not None:
        values["content_sha256"] = file_sha
    if row is None:
        values.setdefault("fetched_at", stamp if kind == "file" else None)
        columns = ["name", *values, "created_at"]
        conn.execute(
            f"INSERT INTO sources ({', '.join(columns)}) VALUES "
            f"({', '.join('?' for _ in columns)})", (name, *values.values(), stamp))
    else:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE sources SET {sets} WHERE name = ?", (*values.values(), name))


def record_import(conn: sqlite3.Connection, name: str, result: dict[str, Any]) -> None:
    """Keep what the last import of ``name`` did (counts and changes); call inside write()."""
    kept = {k: result.get(k) for k in ("inserted", "updated", "unchanged", "retired", "format")}
    kept["changes"] = [
        {k: c.get(k) for k in ("group_id", "name", "what", "before", "after", "message")}
        for c in result.get("changes", [])[:200]
    ]
    kept["changes_total"] = len(result.get("changes", []))
    conn.execute("UPDATE sources SET imported_at = ?, last_result = ? WHERE name = ?",
                 (now_iso(), json.dumps(kept), name))


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file (a folder package: of its files' names, sizes and mtimes)."""
    try:
        if path.is_dir():
            h = hashlib.sha256()
            for p in sorted(path.rglob("*")):
                if p.is_file():
                    st = p.stat()
                    h.update(f"{p.relative_to(path)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
            return h.hexdigest()
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


def list_sources(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every source with its location, format, group counts, when it was last fetched and
    imported, and what changed last time."""
    counts = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT source, count(*), sum(status = 'active') FROM groups GROUP BY source")}
    # listings linked to a group another source listed first (docs/groups.md)
    linked = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT l.source, count(*), sum(g.status = 'active') FROM group_links l "
        "JOIN groups g ON g.id = l.group_id GROUP BY l.source")}
    out = []
    for r in conn.execute("SELECT * FROM sources ORDER BY name"):
        try:
            last = json.loads(r["last_result"] or "{}")
        except ValueError:
            last = {}
        total, active = counts.get(r["name"], (0, 0))
        same, same_active = linked.get(r["name"], (0, 0))
        total, active = total + same, (active or 0) + (same_active or 0)
        out.append({
            "name": r["name"], "location": r["location"], "kind": r["kind"],
            "format": r["format"], "groups": total, "active_groups": active or 0,
            "same_group_links": same,
            "fetched_at": r["fetched_at"], "checked_at": r["checked_at"],
            "imported_at": r["imported_at"], "etag": r["etag"],
            "last_modified": r["last_modified"],
            "last_import": {k: last.get(k) for k in ("inserted", "updated", "unchanged",
                                                     "retired")},
            "last_changes": last.get("changes", []),
            "last_changes_total": last.get("changes_total", 0),
            "options": source_options(r),
        })
    return out


def resolve_sources(conn: sqlite3.Connection, names: list[str]) -> list[sqlite3.Row]:
    """The named sources (exact, else an unambiguous case-insensitive prefix); all when none."""
    rows = conn.execute("SELECT * FROM sources ORDER BY name").fetchall()
    if not names:
        return list(rows)
    out = []
    for name in names:
        exact = [r for r in rows if r["name"] == name]
        found = exact or [r for r in rows if r["name"].casefold().startswith(name.casefold())]
        if not found:
            known = ", ".join(r["name"] for r in rows) or "none yet"
            raise PeerError(f"no source named '{name}' (known: {known})")
        if len(found) > 1:
            raise PeerError(f"'{name}' matches several sources: "
                            + ", ".join(r["name"] for r in found))
        out.append(found[0])
    return out
