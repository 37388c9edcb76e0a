"""peer handout: the person's groups with their next two dates, where and how, what kind of
meeting, whom to ask for and the specialist's contact; HTML (checked in headless Chromium when
one is installed), .ics beside it, --sms text, English and Spanish."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime

import pytest

from peercli.core import handout as core

NOW = "2026-11-20T15:00:00"  # Friday


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    monkeypatch.setenv("PEER_NOW", NOW)
    monkeypatch.setenv("TZ", "America/Chicago")


def facts(**kw) -> core.GroupFacts:
    base = {"name": "Hope Circle", "organization": "Hope Center", "format": "in_person",
                "facilitation": "peer-led", "open_to_newcomers": True, "audience": ("women",),
                "languages": ("es",), "accessibility": ("wheelchair",), "cost": "free",
                "address": "12 Main St, Springfield", "latitude": None, "longitude": None,
                "online_url": None, "phone": "555-0100", "email": None, "website": None,
                "next_starts": (datetime(2026, 11, 24, 18, 0), datetime(2026, 12, 1, 18, 0))}
    base.update(kw)
    return core.GroupFacts(**base)


def test_plain_words_for_the_kind_of_meeting():
    en = core.kind_words(facts(), "en")
    assert en == ("open: anyone may come, newcomers welcome", "led by peers", "in person",
                  "women only", "in Spanish", "wheelchair access", "free")
    es = core.kind_words(facts(open_to_newcomers=False, format="online"), "es")
    assert es[0].startswith("cerrada") and "en línea" in es and "solo mujeres" in es


def test_language_choice():
    assert core.pick_lang(None, ["es", "en"])[0] == "es"
    assert core.pick_lang(None, ["fr", "en"])[0] == "en"
    lang, why = core.pick_lang(None, ["fr"])
    assert lang == "en" and "neither" in why
    assert core.pick_lang("Spanish", ["en"])[0] == "es"
    with pytest.raises(ValueError, match="en or es"):
        core.pick_lang("fr", [])


def test_dates_in_spanish():
    assert core.when_text(datetime(2026, 11, 24, 18, 0), "es") == "mar 24 nov, 18:00"
    assert core.when_text(datetime(2026, 11, 24, 18, 0), "en") == "Tue 24 Nov, 18:00"


def test_map_links_prefer_coordinates_and_escape_addresses():
    assert "mlat=41.00000" in core.map_link("x", 41.0, -87.5)
    assert core.map_link("12 Main St & 3rd", None, None).endswith("12+Main+St+%26+3rd")
    assert core.map_link(None, None, None) is None


def test_sms_stays_short_and_counts_what_it_left_out():
    many = [facts(name=f"Group number {i} with a rather long name",
                  address="1234 Long Avenue Northwest, Springfield, IL 62701") for i in range(12)]
    doc = core.build_handout("Sam", many, "en", "2026-11-20", "Ana Ruiz",
                             ["Ana Ruiz, CPRS", "555-0199"])
    text = core.sms_text(doc)
    assert len(text) <= core.SMS_LIMIT
    assert re.search(r"\(\+\d+\)", text)
    assert text.splitlines()[0].startswith("Group number 0")


# --- commands ----------------------------------------------------------------------------------

@pytest.fixture
def referred(peer):
    peer("config", "set", "name", "Ana Ruiz")
    peer("config", "set", "phone", "555-0199")
    peer.json("consumer", "add", "Sam Rivera", "--languages", "es,en", "--consent", "all",
              "--interests", "alcohol recovery")
    peer.json("group", "add", "Hope <Circle>", "-s", "Tuesdays 6-7:30pm", "-t",
              "alcohol recovery", "--organization", "Hope Center", "--address", "12 Main St",
              "--city", "Springfield", "--facilitation", "peer-led", "--newcomers", "yes",
              "--phone", "555-0100", "--audience", "women")
    peer.json("group", "add", "Online Check-in", "-s", "Thursdays 7pm-8pm", "-t",
              "alcohol recovery", "--format", "online", "--online-url",
              "https://meet.example.org/abc?x=1&y=2")
    peer.json("refer", "Sam", "1", "2")


def test_handout_html_and_ics_in_the_persons_language(peer, referred, tmp_path):
    out = tmp_path / "sam.html"
    data = peer.json("handout", "Sam", "--out", str(out))
    assert data["lang"] == "es" and data["lang_reason"] == "the person's language"
    html = out.read_text()
    assert '<html lang="es">' in html and "Sus grupos" in html
    assert "Hope &lt;Circle&gt;" in html and "<Circle>" not in html
    assert "mar 24 nov, 18:00" in html and "mar 1 dic, 18:00" in html
    assert "openstreetmap.org/search?query=12+Main+St" in html
    assert "https://meet.example.org/abc?x=1&amp;y=2" in html
    assert "diga que le envía Ana Ruiz" in html and "555-0199" in html
    ics = out.with_suffix(".ics")
    assert data["ics_path"] == str(ics)
    assert ics.read_text().count("BEGIN:VEVENT") == 2
    for path in (out, ics):
        assert (path.stat().st_mode & 0o777) == 0o600
    # No external resources: nothing loads from anywhere (links are only followed by a person).
    assert not re.search(r"<(img|script|link|iframe)\b|@import|url\(", html, re.IGNORECASE)


def test_handout_in_english_on_request_and_sms(peer, referred):
    text = peer("handout", "Sam", "--sms", "--lang", "en").stdout
    assert "Hope <Circle>: Tue 24 Nov, 18:00, 12 Main St, Springfield" in text
    assert "Online Check-in: Thu 26 Nov, 19:00, https://meet.example.org/abc?x=1&y=2" in text
    assert len(text.strip()) <= core.SMS_LIMIT


def test_handout_without_referrals_is_refused(peer):
    peer.json("consumer", "add", "Jo", "--consent", "all")
    result = peer("handout", "Jo", ok=False)
    assert result.exit_code == 1 and "no referred groups" in result.stderr
    assert "--lang" in peer("handout", "Jo", "--lang", "fr", ok=False).stderr


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None,
                    reason="no headless Chromium installed (chromium / chromium-browser not on "
                           "PATH); the page is still checked as HTML above")
def test_handout_renders_and_prints_in_a_real_browser(peer, referred, tmp_path):
    out = tmp_path / "sam.html"
    peer("handout", "Sam", "--out", str(out))
    browser = _chromium()
    assert browser is not None
    def chromium(profile: str, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             f"--user-data-dir={tmp_path / profile}", "--no-first-run",
             "--host-resolver-rules=MAP * ~NOTFOUND", *args, out.as_uri()],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    pdf = tmp_path / "sam.pdf"
    # both at once (each with its own profile: one profile is one browser)
    printing = chromium("profile-pdf", f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    dumping = chromium("profile-dom", "--dump-dom")
    try:
        dom, _ = dumping.communicate(timeout=90)
        printing.communicate(timeout=90)
    finally:
        for proc in (printing, dumping):
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert "Sus grupos" in dom and "Hope &lt;Circle&gt;" in dom
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 2000


def test_an_existing_file_is_kept_unless_force(peer, referred, tmp_path):
    out = tmp_path / "sam.html"
    out.write_text("mine", encoding="utf-8")
    refused = peer("handout", "Sam", "--out", str(out), ok=False)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "mine" and not out.with_suffix(".ics").exists()
    peer("handout", "Sam", "--out", str(out), "--force")
    assert "Sus grupos" in out.read_text(encoding="utf-8")
