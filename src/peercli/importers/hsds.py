"""Open Referral HSDS 3.0 tabular data packages: a folder or a .zip holding datapackage.json and
one CSV per table (services, organizations, locations, addresses, service_at_location,
schedules, languages, accessibility, attributes + taxonomy_terms, phones).

One ``GroupRecord`` per service, keyed by the service id. Meetings come from the service's
schedules (linked by ``service_id`` or through ``service_at_location_id``; schedules of a bare
location are opening hours, not meetings, and are not used). A schedule row with neither
``freq`` nor ``byday`` falls back to reading its human ``description``. HSDS 3.0 gives
``timezone`` as a UTC offset number: whole hours become ``Etc/GMT±N``; an IANA name is kept.
``opens_at`` "09:00Z" is read as the local wall-clock time (the standard's own examples write
"9am to 12pm" as 09:00:00Z). RRULE parts peer does not model (byweekno, bymonthday, byyearday,
count) are ignored with a warning.

Place: the service's first location (in service_at_location order); its physical address (else
any address) and latitude/longitude; a virtual location, or a location ``url``, makes the group
online (hybrid when there is also a physical location). Status: ``active`` unless the service
says inactive / defunct / temporarily closed. Topics: the names of taxonomy terms linked to the
service through attributes, through the vocabulary. Languages from the languages table (service
or its locations); accessibility words from the accessibility table.

A service with no usable schedule, no name, or an unreadable schedule is a ``RowError`` at its
services.csv line (the message names the other file and line when the problem is there).
Out-of-range coordinates, unknown languages and unreadable time zones are warnings: the value is
dropped and the service imported.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, BinaryIO

from peercli.importers.records import (
    ImportFileError,
    ProgressCallback,
    RecordStream,
)
from peercli.importers.textio import MAX_FILE_BYTES, file_stem, read_csv_table

if TYPE_CHECKING:
    from peercli.importers.registry import ImportOptions, Sample

# resource name in datapackage.json -> default file name
TABLES = {
    "service": "services.csv",
    "organization": "organizations.csv",
    "location": "locations.csv",
    "address": "addresses.csv",
    "service_at_location": "service_at_location.csv",
    "schedule": "schedules.csv",
    "language": "languages.csv",
    "accessibility": "accessibility.csv",
    "attribute": "attributes.csv",
    "taxonomy_term": "taxonomy_terms.csv",
    "phone": "phones.csv",
}

Row = dict[str, Any]  # a table row: lower-case column -> value, plus "_line"


class Package:
    """Reads the tables of a data package from a folder or a zip, by resource name."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self._zip: zipfile.ZipFile | None = None
        self._root = ""
        if path.is_dir():
            found = _find_descriptor_dir(path)
            if found is None:
                raise ImportFileError(
                    f"{path.name}: no datapackage.json in this folder (expected an HSDS data "
                    "package: datapackage.json plus services.csv, schedules.csv...)"
                )
            self._dir: Path = found
            descriptor = (found / "datapackage.json").read_bytes()
        else:
            try:
                self._zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFileError(f"{path.name}: not a readable zip file ({exc})") from None
            names = [n for n in self._zip.namelist() if PurePosixPath(n).name == "datapackage.json"]
            if not names:
                raise ImportFileError(
                    f"{path.name}: no datapackage.json in this zip (expected an HSDS data package)"
                )
            total = sum(i.file_size for i in self._zip.infolist())
            if total > max_bytes:
                raise ImportFileError(
                    f"{path.name} unpacks to {total / 1e6:.0f} MB; the limit is "
                    f"{max_bytes / 1e6:.0f} MB"
                )
            best = min(names, key=lambda n: n.count("/"))
            self._root = best[: -len("datapackage.json")]
            descriptor = self._zip.read(best)
        from peercli.importers import safejson

        try:
            meta = safejson.loads(descriptor.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFileError(f"{path.name}: datapackage.json is not valid JSON ({exc})") from None
        except safejson.JsonLimitError as exc:
            raise ImportFileError(f"{path.name}: datapackage.json has {exc}; refused") from None
        self.paths = dict(TABLES)
        resources = meta.get("resources", []) if isinstance(meta, dict) else []
        for resource in resources if isinstance(resources, list) else []:
            if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                name = str(resource.get("name", ""))
                if name in TABLES:
                    self.paths[name] = _inside_package(path.name, resource["path"])

    def _open(self, rel: str) -> tuple[BinaryIO, str] | None:
        if self._zip is not None:
            member = self._root + rel
            try:
                data = self._zip.read(member)
            except KeyError:
                return None
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise ImportFileError(f"{self.path.name}: cannot read {member} ({exc})") from None
            return io.BytesIO(data), rel
        file = self._dir / rel
        if not file.is_file():
            return None
        if not file.resolve().is_relative_to(self._dir.resolve()):  # a symlink out of it
            raise ImportFileError(f"{self.path.name}: the resource '{rel}' is a link that leaves "
                                  "the package; refused")
        if file.stat().st_size > self.max_bytes:
            raise ImportFileError(f"{rel} is larger than {self.max_bytes / 1e6:.0f} MB")
        return open(file, "rb"), rel

    def has(self, table: str) -> bool:
        opened = self._open(self.paths[table])
        if opened is None:
            return False
        opened[0].close()
        return True

    def table(self, table: str) -> tuple[str, list[Row]]:
        """(file name, rows as dicts with lower-case keys and ``_line``); [] when absent."""
        opened = self._open(self.paths[table])
        if opened is None:
            return self.paths[table], []
        f, rel = opened
        with f:
            return rel, read_csv_table(f, rel)


def _inside_package(package: str, rel: str) -> str:
    """A resource path as a plain relative path inside the package ("a/b.csv"); a path that
    is absolute, has a drive or backslash, or climbs out with ".." is refused (never opened)."""
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if (rel.startswith("/") or "\\" in rel or re.match(r"^[A-Za-z]:", rel) or ".." in parts
            or not parts or "\x00" in rel):
        raise ImportFileError(
            f"{package}: datapackage.json names the resource path '{rel}', which leaves the "
            "package; refused (resource paths must stay inside the package folder)")
    return "/".join(parts)


def _find_descriptor_dir(folder: Path) -> Path | None:
    if (folder / "datapackage.json").is_file():
        return folder
    for child in sorted(folder.iterdir()):
        if child.is_dir() and (child / "datapackage.json").is_file():
            return child
    return None


def is_hsds(path: Path) -> bool:
    """A folder or zip with a datapackage.json (the HSDS tabular form)."""
    if path.is_dir():
        return _find_descriptor_dir(path) is not None
    try:
        if not zipfile.is_zipfile(path):
            return False
        with zipfile.ZipFile(path) as zf:
            return any(PurePosixPath(n).name == "datapackage.json" for n in zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def sniff_hsds(sample: Sample) -> float:
    """A folder or zip with datapackage.json (the 1.1 entry says more for the older layout)."""
    return 0.9 if is_hsds(sample.path) else 0.0


def open_records(path: Path, options: ImportOptions) -> RecordStream:
    stream = open_hsds(path, source=options.source, progress=options.progress,
                       max_bytes=options.max_bytes)
    if options.taxonomy is None:
        return stream
    from peercli.importers.hsds_tabular import filter_taxonomy_v3

    return filter_taxonomy_v3(path, stream, options.taxonomy, max_bytes=options.max_bytes)


def open_hsds(
    path: Path,
    *,
    source: str | None = None,
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> RecordStream:
    """A ``RecordStream`` over an HSDS 3.0 data package (folder or zip)."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"file not found: {path}")
    pkg = Package(path, max_bytes=max_bytes)
    services_file, services = pkg.table("service")
    if not pkg.has("service"):
        raise ImportFileError(f"{path.name}: the data package has no services table (services.csv)")
    from peercli.importers.hsds_services import ServiceReader, TableIndex

    reader = ServiceReader(TableIndex.of(pkg, services_file), source or f"hsds:{file_stem(path)}")
    items = ((svc["_line"], reader.build(svc)) for svc in services)
    reader.stream = RecordStream("hsds", reader.source, items, progress=progress)
    return reader.stream
