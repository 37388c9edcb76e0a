"""The order Tab completion offers topic words in: the user's language first.

The shipped vocabulary is English (labels, slugs, most synonyms) with some synonyms in other
languages ("depresión", "duelo", "mujeres"). Which language a word is in is read by a rule:
a word written with letters only that language uses (ñ, á, é, í, ó, ú, ü, ¿, ¡ for Spanish), or
one of the shipped non-English synonyms listed below, is in that language; every other word is
English. Which language the *user* works in is decided by :func:`completion_language`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

#: language -> letters only that language (of those peer completes in) writes.
_LETTERS = {"es": set("ñáéíóúü¿¡"), "fr": set("àâçèêëîïôœùûÿ")}
#: shipped synonyms that are not English but are written in plain ASCII letters.
_WORDS = {
    "es": {"ansiedad", "duelo", "madres", "padres", "mujeres", "hombres", "mayores",
           "inmigrantes", "arte", "cocina", "apoyo", "grupo", "salud mental", "adicciones",
           "alcoholismo", "familia", "jovenes", "caminar"},
}


def word_language(word: str) -> str:
    """The language code of a vocabulary word by the rule above ("en" when nothing says
    otherwise)."""
    lowered = word.casefold().strip()
    for code, letters in _LETTERS.items():
        if letters.intersection(lowered):
            return code
    for code, words in _WORDS.items():
        if lowered in words:
            return code
    return "en"


def order_for_language(words: Iterable[str], language: str) -> list[str]:
    """``words`` with those in ``language`` first, each part in its given order (stable)."""
    listed = list(words)
    return ([w for w in listed if word_language(w) == language]
            + [w for w in listed if word_language(w) != language])


def locale_language(environ: Mapping[str, str]) -> str | None:
    """The language of the POSIX locale: LC_ALL, then LC_MESSAGES, then LANG ("es_MX.UTF-8" ->
    "es"); None for unset, "C" or "POSIX"."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
            if code in ("c", "posix") or not code.isalpha():
                return None
            return code
    return None


def completion_language(person_languages: Sequence[str], configured: str | None,
                        environ: Mapping[str, str]) -> str:
    """The language whose words complete first, by the first rule that gives one:
    1. the person's first language, when the intake already knows it (their words are what the
       specialist is typing);
    2. the ``language`` setting (``peer config set language es``);
    3. the locale (LC_ALL, LC_MESSAGES, LANG);
    4. English."""
    if person_languages:
        return person_languages[0]
    if configured:
        return configured
    return locale_language(environ) or "en"
