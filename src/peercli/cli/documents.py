"""Printable HTML documents: the month's service notes, the person's handout, a release form.

One page template (package data ``data/document.html``: inline styles, no scripts, no external
resources, a Content-Security-Policy that forbids loading any) filled with ``string.Template``;
every value from the database goes through ``html.escape``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from string import Template
from typing import Any

from peercli.core.wording import plural

_PAGE: Template | None = None


def page(title: str, body: str, lang: str = "en") -> str:
    global _PAGE
    if _PAGE is None:
        from importlib.resources import files

        _PAGE = Template(files("peercli").joinpath("data/document.html").read_text("utf-8"))
    return _PAGE.substitute(title=escape(title), body=body, lang=escape(lang))


def e(value: object) -> str:
    return escape("" if value is None else str(value))


def _dl(pairs: Iterable[tuple[str, object]]) -> str:
    rows = "".join(f"<dt>{e(k)}</dt><dd>{v if isinstance(v, _Raw) else e(v)}</dd>"
                   for k, v in pairs if v not in (None, "", [], ()))
    return f"<dl>{rows}</dl>" if rows else ""


class _Raw(str):
    """Already-escaped HTML."""


def _link(url: str | None, text: str | None = None) -> _Raw | None:
    if not url:
        return None
    safe = url if url.lower().startswith(("https://", "http://", "mailto:", "tel:")) else None
    if safe is None:
        return _Raw(e(url))
    return _Raw(f'<a href="{e(safe)}" rel="noreferrer">{e(text or url)}</a>')


# --- service notes -----------------------------------------------------------------------------

def _version_block(v: dict[str, Any], label: str, counts: bool) -> str:
    from peercli.core.checkins import MODE_LABELS
    from peercli.core.notes import place_label

    start = v["at"].replace("T", " ")[:16]
    hour, minute = int(start[11:13]), int(start[14:16])
    end_total = hour * 60 + minute + int(v["minutes"])
    end = f"{end_total // 60 % 24:02d}:{end_total % 60:02d}"
    if v["signed_at"]:
        late = (' <span class="flag">LATE</span>' if v["late"] else "")
        sig = _Raw(f"{e(v['signed_by'])}" + (f", {e(v['signed_credential'])}"
                                             if v["signed_credential"] else "")
                   + f" — signed {e(v['signed_at'].replace('T', ' ')[:16])}{late}")
    else:
        sig = _Raw('<span class="flag">NOT SIGNED</span>')
    measures = ", ".join(p for p in (
        f"mood {v['mood']}/5" if v["mood"] is not None else "",
        f"WHO-5 {v['who5_score']}/25" if v["who5_score"] is not None else "",
        f"BARC-10 {v['barc10_total']}/60" if v["barc10_total"] is not None else "") if p)
    missing = (_Raw('<span class="flag">missing: ' + e(", ".join(v["missing"])) + "</span>")
               if v["missing"] else None)
    head = f"<h3>{e(label)}</h3>"
    if v["amend_reason"]:
        head += f'<p class="small">Reason for the amendment: {e(v["amend_reason"])}</p>'
    body = _dl([
        ("Date and time", (f"{start[:10]} {start[11:]}–{end} ({v['minutes']} min, "
                          f"{plural(v['units'], 'unit')})")),
        ("Service", " ".join(p for p in (v["service_code"] or "", f"({v['service_kind']})") if p)),
        ("Contact", MODE_LABELS.get(v["mode"], v["mode"])),
        ("Place of service", place_label(v["place"])),
        ("Plan goals", "; ".join(v["goals"])),
        ("Narrative", v["note"]),
        ("Intervention", v["intervention"]),
        ("Response", v["response"]),
        ("Plan / next step", v["next_step"]),
        ("Next follow-up", v["next_followup_on"]),
        ("Measures", measures),
        ("Signature", sig),
        ("Audit", missing),
    ])
    css = "note" if counts else "note superseded"
    return f'<div class="{css}">{head}{body}</div>'


def notes_html(notes: Sequence[dict[str, Any]], title: str, program: str | None,
               made_at: str, summary: dict[str, int]) -> str:
    parts = [f"<h1>{e(title)}</h1>",
             (f'<p class="meta">{e(program) + " · " if program else ""}printed {e(made_at)} · '
             f'{plural(summary["notes"], "note")}, {summary["signed"]} signed, '
             f'{summary["late"]} late, {summary["unsigned"]} unsigned, '
             f'{summary["amended"]} amended</p>')]
    current = None
    for note in notes:
        if note["consumer_id"] != current:
            current = note["consumer_id"]
            parts.append(f"<h2>#{e(note['consumer_id'])} {e(note['name'])}</h2>")
        versions = note["versions"]
        for i, v in enumerate(versions):
            last = i == len(versions) - 1
            if i == 0:
                label = f"Check-in #{note['checkin_id']}" + (" — original" if len(versions) > 1
                                                              else "")
            else:
                label = (f"Amendment #{v['version_id']} of check-in #{note['checkin_id']}, "
                         f"written {v['created_at'].replace('T', ' ')[:16]}")
            label += "" if last else " (superseded)"
            parts.append(_version_block(v, label, last))
    if not notes:
        parts.append("<p>No notes in this period.</p>")
    parts.append('<div class="sig"><div class="line">Supervisor signature</div>'
                 '<div class="line">Date reviewed</div></div>')
    return page(title, "\n".join(parts))


# --- handout -----------------------------------------------------------------------------------

def handout_html(h: Any) -> str:
    w = h.words
    parts = [f"<h1>{e(w['title'])}</h1>",
             f'<p class="meta">{e(w["for"])} {e(h.person)} · {e(w["made_on"])} {e(h.made_on)}</p>']
    for g in h.groups:
        rows: list[tuple[str, object]] = [
            (w["next"], _Raw("<br>".join(e(t) for t in g.when)) if g.when else w["no_times"]),
            (w["kind"], "; ".join(g.kind)),
        ]
        if g.address:
            where = e(g.address)
            if g.map_url:
                where += f' (<a href="{e(g.map_url)}" rel="noreferrer">{e(w["map"])}</a>)'
            rows.append((w["where"], _Raw(where)))
        rows += [(w["online"], _link(g.online_url)), (w["phone"], _link(
            f"tel:{g.phone}" if g.phone else None, g.phone)),
            (w["email"], _link(f"mailto:{g.email}" if g.email else None, g.email)),
            (w["website"], _link(g.website)), (w["ask"], g.ask_for)]
        parts.append(f'<div class="group"><h2>{e(g.name)}</h2>{_dl(rows)}</div>')
    if not h.groups:
        parts.append(f"<p>{e(w['none'])}</p>")
    if h.specialist:
        parts.append(f'<div class="block"><h3>{e(w["specialist"])}</h3>'
                     + "<br>".join(e(s) for s in h.specialist) + "</div>")
    if h.groups:
        parts.append(f'<p class="small">{e(w["calendar"])}</p>')
    return page(f"{w['title']} — {h.person}", "\n".join(parts), h.lang)


# --- release form ------------------------------------------------------------------------------

def release_form_html(form: dict[str, Any]) -> str:
    from peercli.core import consent

    title = "Consent to release information"
    parts = [f"<h1>{e(title)}</h1>",
             ('<p class="meta">Release of information for substance use and mental health '
             "records (42 CFR Part 2 and HIPAA)</p>"),
             _dl([
                 ("Name", form["person"]),
                 ("Who may disclose", form["discloser"]),
                 ("To (recipient)", form["recipient"]),
                 ("Purpose", form["purpose_text"]),
                 ("What may be shared", form["information"]),
                 ("This consent expires", form["expiry"]),
             ]),
             f"<p>{e(consent.REVOCATION_TEXT)}</p>",
             f"<p>{e(consent.REDISCLOSURE_TEXT)}</p>",
             f"<p>{e(consent.REFUSAL_TEXT)}</p>",
             '<div class="sig"><div class="line">Signature of the person (or authorised '
             'representative, and their relationship)</div><div class="line">Date signed</div>'
             '<div class="line">Peer specialist (witness)' + (
                 f": {e(form['specialist'])}" if form.get("specialist") else "")
             + '</div><div class="line">Date</div></div>',
             ('<div class="block small"><strong>Revocation</strong> — I revoke this consent as of '
             '______________ . Signature ______________________</div>')]
    return page(title, "\n".join(parts))
