"""The user's own data files, read from disk: the topic vocabulary (shipped package data plus
`<config dir>/peer/topics.json`) and postal-code centroids (`<config dir>/peer/postal_codes.csv`).

The rules for these files (their shape, merging, normalizing) are pure and live in `core.topics`
and `core.geo`; this module only finds, reads and caches them, re-reading a file that changed.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from peercli.core.errors import PeerError
from peercli.core.geo import normalize_postal_code
from peercli.core.topics import Topic, Vocabulary, VocabularyError, vocabulary_from_json

if TYPE_CHECKING:
    from peercli.core.matching.relations import TopicRelations


@lru_cache(maxsize=1)
def _shipped_vocabulary() -> Vocabulary:
    from importlib.resources import files

    text = files("peercli").joinpath("data", "topics.json").read_text(encoding="utf-8")
    return vocabulary_from_json(text, "(shipped)")


def shipped_topics() -> tuple[Topic, ...]:
    return _shipped_vocabulary().topics


@lru_cache(maxsize=8)
def _load_cached(extra: str | None, _mtime_ns: int, _size: int) -> Vocabulary:
    if extra is None:
        return _shipped_vocabulary()
    source = f"'{extra}'"
    try:
        text = Path(extra).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise VocabularyError(f"topics file {source} is not UTF-8 text") from None
    except OSError as exc:
        raise VocabularyError(f"cannot read topics file {source}: {exc.strerror}") from None
    return vocabulary_from_json(text, source, shipped_topics())


def load_vocabulary(extra: Path | None = None, *, shipped_only: bool = False) -> Vocabulary:
    """The shipped vocabulary, extended by the user file `extra` (same JSON shape:
    `{"topics": [{"slug", "label"?, "category"?, "synonyms"?}]}`). Without `extra`, the user's
    own file at `user_topics_path()` is used when it exists (unless `shipped_only`), so every
    command sees the same vocabulary. Cached; an edited file is re-read."""
    if extra is None and not shipped_only:
        user_file = user_topics_path()
        if user_file.exists():
            extra = user_file
    if extra is None:
        return _load_cached(None, 0, 0)
    try:
        stat = extra.stat()
    except OSError:
        raise VocabularyError(f"topics file '{extra}' does not exist or cannot be read") from None
    return _load_cached(str(extra), stat.st_mtime_ns, stat.st_size)


def user_topics_path() -> Path:
    """Where a user's own topics live: <user config dir>/peer/topics.json (may not exist)."""
    import platformdirs

    return platformdirs.user_config_path("peer") / "topics.json"


def user_postal_codes_path() -> Path:
    import platformdirs

    return platformdirs.user_config_path("peer") / "postal_codes.csv"


@lru_cache(maxsize=4)
def _load_postal_cached(path: str, _mtime: int, _size: int) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
            need = ("postal_code", "latitude", "longitude")
            if not all(n in fields for n in need):
                raise PeerError(
                    f"postal code file '{path}' needs the columns postal_code,latitude,longitude "
                    f"(found: {', '.join(fields) or 'none'})"
                )
            for line, row in enumerate(reader, start=2):
                code = normalize_postal_code(row.get(fields["postal_code"]))
                try:
                    lat = float(row.get(fields["latitude"]) or "")
                    lon = float(row.get(fields["longitude"]) or "")
                except ValueError:
                    raise PeerError(
                        f"postal code file '{path}', line {line}: latitude and longitude must be "
                        "numbers"
                    ) from None
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise PeerError(
                        f"postal code file '{path}', line {line}: coordinates out of range"
                    )
                if code:
                    out[code] = (lat, lon)
    except OSError as exc:
        raise PeerError(f"cannot read postal code file '{path}': {exc.strerror}") from None
    except UnicodeDecodeError:
        raise PeerError(f"postal code file '{path}' is not UTF-8 text") from None
    return out


def load_postal_file(path: Path | None = None) -> dict[str, tuple[float, float]]:
    """Centroids from the user file (empty when there is none). Re-read when it changes."""
    path = path or user_postal_codes_path()
    try:
        st = path.stat()
    except OSError:
        return {}
    return _load_postal_cached(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=1)
def load_topic_relations() -> TopicRelations:
    """The shipped curated topic relations (`peercli/data/topic_relations.json`)."""
    from importlib.resources import files

    from peercli.core.matching.relations import relations_from_json

    text = files("peercli").joinpath("data", "topic_relations.json").read_text(encoding="utf-8")
    return relations_from_json(text)
