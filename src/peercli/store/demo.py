"""The demo's work (``peer demo``): a throwaway database with the packaged sample groups, one
sample person with consent, and their matches. Never touches the user's own database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from peercli.core.errors import PeerError
from peercli.core.vocab import CONSENT_KINDS

if TYPE_CHECKING:
    from peercli.core.contract import ConsumerDict, ImportResultDict
    from peercli.core.matching import Match

SAMPLE_CONSUMER = {
    "name": "Sam (demo)",
    "interests": "bereavement",
    "available": "Tue evening",
    "formats": "in_person",
    "languages": "English",
    "postal_code": "97401",
    "goal": "get through the first year after losing my mum, and meet people who understand",
}


@dataclass(frozen=True)
class DemoRun:
    db: Path
    import_result: ImportResultDict
    consumer: ConsumerDict
    matches: list[Match]


def _sample_changes() -> Any:
    from peercli.core import vocab
    from peercli.core.availability import parse_availability_many
    from peercli.core.languages import normalize_languages
    from peercli.importers.userfiles import load_vocabulary
    from peercli.store.consumers import ConsumerChanges

    person = SAMPLE_CONSUMER
    return ConsumerChanges(
        scalars={"name": person["name"], "postal_code": person["postal_code"],
                 "goals": person["goal"]},
        lists={"formats": vocab.parse_formats(person["formats"]),
               "languages": list(normalize_languages(person["languages"]))},
        interests=list(load_vocabulary().normalize(person["interests"]).slugs),
        availability=parse_availability_many([person["available"]]),
    )


def run_demo(db: Path, say: Callable[[str], None] | None = None) -> DemoRun:
    """Import the packaged sample groups into ``db``, add the sample person, match (top 5).

    ``say`` hears a line per step, for a terminal."""
    from importlib.resources import as_file, files

    from peercli import importers
    from peercli.core.matching import MatchOptions
    from peercli.importers.userfiles import load_topic_relations, load_vocabulary
    from peercli.store.clock import now
    from peercli.store.consumers import consumer_dict, insert_consumer, record_consent
    from peercli.store.db import open_db, write
    from peercli.store.groups import import_records
    from peercli.store.matching import load_consumer, match_groups

    tell = say or (lambda _line: None)
    conn = open_db(db)
    try:
        tell(f"Demo database: {db} (a throwaway copy; your own database is not used)")
        sample = files("peercli").joinpath("data", "groups.sample.csv")
        with as_file(sample) as path:
            stream = importers.iter_records(path, format="native", source="sample")
            summary = import_records(conn, stream, source=stream.source)
        if summary.errors:
            raise PeerError(f"the packaged sample file did not import: {summary.errors[0]}")
        tell(f"Imported {summary.inserted} sample groups (peer group import).")
        person = SAMPLE_CONSUMER
        with write(conn):
            cid = insert_consumer(conn, _sample_changes())
            record_consent(conn, cid, CONSENT_KINDS, granted=True, note="demo")
        tell(f'Added #{cid} {person["name"]}: interested in "{person["interests"]}", free '
             f'{person["available"]}, in person, English, share consent given '
             "(peer consumer add).")
        options = MatchOptions(limit=5, vocabulary=load_vocabulary(),
                               relations=load_topic_relations())
        matches, _ = match_groups(conn, load_consumer(conn, cid), now(), options)
        return DemoRun(db, summary.to_dict(), consumer_dict(conn, cid), matches)
    finally:
        conn.close()
