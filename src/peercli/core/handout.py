"""What the person takes away after a match, the pure part: the words (English and Spanish),
what kind of meeting each group is in plain words, map links, and the short text for an SMS.

The store gathers the groups and their next dates; the CLI renders the page (escaped HTML from
a template) and writes the .ics beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

LANGS: tuple[str, ...] = ("en", "es")
SMS_LIMIT = 480  # three SMS segments; most phones join them into one message

_WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Your groups", "es": "Sus grupos"},
    "for": {"en": "For", "es": "Para"},
    "made_on": {"en": "Made on", "es": "Hecho el"},
    "next": {"en": "Next meetings", "es": "Próximas reuniones"},
    "where": {"en": "Where", "es": "Dónde"},
    "map": {"en": "map", "es": "mapa"},
    "online": {"en": "Join online", "es": "Unirse en línea"},
    "phone": {"en": "Phone", "es": "Teléfono"},
    "email": {"en": "Email", "es": "Correo"},
    "website": {"en": "Website", "es": "Sitio web"},
    "kind": {"en": "What it is", "es": "Cómo es"},
    "ask": {"en": "Ask for", "es": "Pregunte por"},
    "ask_default": {"en": "the group's host or facilitator; say {name} sent you",
                    "es": "la persona que dirige el grupo; diga que le envía {name}"},
    "ask_host": {"en": "the host or facilitator", "es": "la persona que dirige el grupo"},
    "no_times": {"en": "Times not listed: call or check the website first.",
                 "es": "Sin horario publicado: llame o mire el sitio web antes."},
    "specialist": {"en": "Your peer specialist", "es": "Su especialista de apoyo entre pares"},
    "calendar": {"en": "The dates are also in the calendar file sent with this page.",
                 "es": "Las fechas también están en el archivo de calendario que acompaña esta "
                       "hoja."},
    "none": {"en": "No groups yet.", "es": "Todavía no hay grupos."},
    "open": {"en": "open: anyone may come, newcomers welcome",
             "es": "abierta: puede venir cualquiera, bienvenidas las personas nuevas"},
    "closed": {"en": "closed: for people who want help with this themselves",
               "es": "cerrada: para quienes buscan ayuda con esto para sí mismos"},
    "peer-led": {"en": "led by peers", "es": "dirigida por pares"},
    "mutual-aid": {"en": "mutual aid, run by its members",
                   "es": "ayuda mutua, llevada por sus miembros"},
    "professional": {"en": "led by a professional", "es": "dirigida por un profesional"},
    "in_person": {"en": "in person", "es": "en persona"},
    "online_fmt": {"en": "online", "es": "en línea"},
    "hybrid": {"en": "in person or online", "es": "en persona o en línea"},
    "free": {"en": "free", "es": "gratis"},
    "wheelchair": {"en": "wheelchair access", "es": "acceso en silla de ruedas"},
    "women": {"en": "women only", "es": "solo mujeres"},
    "men": {"en": "men only", "es": "solo hombres"},
    "lgbtq": {"en": "LGBTQ+", "es": "LGBTQ+"},
    "young-adults": {"en": "young adults", "es": "personas jóvenes"},
    "older-adults": {"en": "older adults", "es": "personas mayores"},
    "veterans": {"en": "veterans", "es": "veteranos"},
    "family-members": {"en": "for family members", "es": "para familiares"},
    "in_lang": {"en": "in {name}", "es": "en {name}"},
}
_LANG_NAMES: dict[str, dict[str, str]] = {
    "en": {"en": "English", "es": "inglés"}, "es": {"en": "Spanish", "es": "español"},
}
_DAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
         "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")}
_MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec"),
           "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
                  "dic")}


def word(key: str, lang: str, **values: str) -> str:
    text = _WORDS[key].get(lang) or _WORDS[key]["en"]
    return text.format(**values) if values else text


def parse_lang(text: str) -> str:
    key = text.strip().lower()
    aliases = {"english": "en", "eng": "en", "spanish": "es", "español": "es", "espanol": "es",
               "spa": "es"}
    key = aliases.get(key, key)
    if key not in LANGS:
        raise ValueError(f"'{text}' is not a handout language (use en or es)")
    return key


def pick_lang(explicit: str | None, person_languages: Sequence[str]) -> tuple[str, str]:
    """The handout's language and why: --lang wins; else the first of the person's languages
    that is en or es; else English."""
    if explicit:
        return parse_lang(explicit), "chosen with --lang"
    for code in person_languages:
        if code in LANGS:
            return code, "the person's language"
    return "en", "default (the person's languages include neither English nor Spanish)" if (
        person_languages) else "default"


def when_text(start: datetime, lang: str) -> str:
    """"Tue 2 Dec, 18:30" / "mar 2 dic, 18:30"."""
    day = _DAYS[lang][start.weekday()]
    month = _MONTHS[lang][start.month - 1]
    return f"{day} {start.day} {month}, {start:%H:%M}"


_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def quote_plus(text: str) -> str:
    """Form-encode a query value (as urllib.parse.quote_plus, which core may not import)."""
    return "".join(chr(b) if chr(b) in _UNRESERVED else "+" if b == 0x20 else f"%{b:02X}"
                   for b in text.encode("utf-8"))


def map_link(address: str | None, latitude: float | None, longitude: float | None) -> str | None:
    """An OpenStreetMap link (opens in any browser, no account): by coordinates, else address."""
    if latitude is not None and longitude is not None:
        return (f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}"
                f"#map=17/{latitude:.5f}/{longitude:.5f}")
    if address:
        return f"https://www.openstreetmap.org/search?query={quote_plus(address)}"
    return None


@dataclass(frozen=True)
class GroupFacts:
    """A referred group as the store reads it."""

    name: str
    organization: str | None
    format: str
    facilitation: str | None
    open_to_newcomers: bool | None
    audience: tuple[str, ...]
    languages: tuple[str, ...]
    accessibility: tuple[str, ...]
    cost: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    online_url: str | None
    phone: str | None
    email: str | None
    website: str | None
    next_starts: tuple[datetime, ...]


@dataclass(frozen=True)
class HandoutGroup:
    name: str
    kind: tuple[str, ...]
    when: tuple[str, ...]
    address: str | None
    map_url: str | None
    online_url: str | None
    phone: str | None
    email: str | None
    website: str | None
    ask_for: str


@dataclass(frozen=True)
class Handout:
    lang: str
    person: str
    made_on: str
    groups: tuple[HandoutGroup, ...]
    specialist: tuple[str, ...] = field(default_factory=tuple)
    words: dict[str, str] = field(default_factory=dict)


def kind_words(g: GroupFacts, lang: str) -> tuple[str, ...]:
    out: list[str] = []
    if g.open_to_newcomers is True:
        out.append(word("open", lang))
    elif g.open_to_newcomers is False:
        out.append(word("closed", lang))
    if g.facilitation in ("peer-led", "mutual-aid", "professional"):
        out.append(word(g.facilitation, lang))
    out.append(word({"online": "online_fmt"}.get(g.format, g.format)
                    if g.format in ("in_person", "online", "hybrid") else "in_person", lang))
    for tag in g.audience:
        if tag in _WORDS:
            out.append(word(tag, lang))
    for code in g.languages:
        if code in _LANG_NAMES:
            out.append(word("in_lang", lang, name=_LANG_NAMES[code][lang]))
    if "wheelchair" in g.accessibility:
        out.append(word("wheelchair", lang))
    if g.cost and g.cost.strip().lower() in ("free", "0", "$0", "no cost", "gratis"):
        out.append(word("free", lang))
    return tuple(out)


def build_handout(person: str, groups: Sequence[GroupFacts], lang: str, made_on: str,
                  specialist_name: str | None, specialist_lines: Sequence[str]) -> Handout:
    items = []
    for g in groups:
        in_person = g.format in ("in_person", "hybrid")
        ask = (word("ask_default", lang, name=specialist_name) if specialist_name
               else word("ask_host", lang))
        items.append(HandoutGroup(
            name=g.name, kind=kind_words(g, lang),
            when=tuple(when_text(s, lang) for s in g.next_starts[:2]),
            address=g.address if in_person else None,
            map_url=map_link(g.address, g.latitude, g.longitude) if in_person else None,
            online_url=g.online_url if g.format in ("online", "hybrid") else None,
            phone=g.phone, email=g.email, website=g.website, ask_for=ask))
    words = {k: word(k, lang) for k in ("title", "for", "made_on", "next", "where", "map",
                                         "online", "phone", "email", "website", "kind", "ask",
                                         "no_times", "specialist", "calendar", "none")}
    return Handout(lang, person, made_on, tuple(items), tuple(specialist_lines), words)


def sms_text(handout: Handout, limit: int = SMS_LIMIT) -> str:
    """Plain text short enough for a text message: each group's name, next time, and where.

    Groups that do not fit are left out and counted on the last line.
    """
    lines: list[str] = []
    left_out = 0
    for g in handout.groups:
        where = g.address or g.online_url or g.phone or ""
        entry = f"{g.name}: {g.when[0] if g.when else handout.words['no_times']}"
        if where:
            entry += f", {where}"
        candidate = "\n".join([*lines, entry])
        if len(candidate) > limit - 60:
            left_out += 1
            continue
        lines.append(entry)
    if not handout.groups:
        lines.append(handout.words["none"])
    if left_out:
        lines.append(f"(+{left_out})")
    if handout.specialist:
        tail = " ".join(handout.specialist)
        if len("\n".join([*lines, tail])) <= limit:
            lines.append(tail)
    text = "\n".join(lines)
    return text[:limit]
