"""Author names as pages write them → clean person names. Pure.

Pages put several names in one string ("Mei Lin and Tom Hart", "A, B & C"), add "By", e-mail addresses,
social handles, agency or desk codes in parentheses ("Anna Berg (obe)"), and roles ("Tom Hart,
Staff Writer"). JSON-LD persons may have only `givenName` and `familyName`.
"""

from __future__ import annotations

import re
from typing import Any

# Words joining two names, in the languages of most news sites.
_SEPARATORS = re.compile(
    r"\s*(?:[,;|/\u3001\uff0c]|\s&\s|&|\b(?:and|und|et|y|og|och|en|e|i)\b)\s*", re.IGNORECASE
)
_BY = re.compile(r"^(?:by|von|par|por|door|di|av|af|per|autor(?:in)?|author)(?:\s*[:\s]\s*|$)", re.IGNORECASE)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?:^|\s)@\w+")
_WITH = re.compile(r"\((?:avec|with|mit|con|com)\s+([^()]*)\)", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
# A date after the name in a byline ("By Ann Lee March 25, 2015"): names have no digits.
_DATE_TAIL = re.compile(
    r"\s*(?:\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+)?(?<!\w)\d.*$",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+|www\.\S+")
# A part that names a role or an organisation, not a person ("Staff Writer", "Reuters staff").
_ROLES = re.compile(
    r"\b(?:staff|reporter|correspondent|editor|editors|writer|contributor|journalist|columnist|desk|"
    r"redaktion|redakteur(?:in)?|rédaction|redacción|agencies|agency|updated|published|posted)\b",
    re.IGNORECASE,
)
_MAX_NAME_CHARS = 60
_MAX_NAME_WORDS = 6


def clean_authors(values: Any) -> tuple[str, ...]:
    """Person names from a string, a list of strings, or JSON-LD persons; duplicates removed in order."""
    names: list[str] = []
    for raw in _raw_names(values):
        names.extend(split_names(raw))
    seen: set[str] = set()
    unique = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return tuple(unique)


def split_names(value: str) -> list[str]:
    """One author string → its names, each cleaned; parts that are no person's name are dropped."""
    text = _WITH.sub(r", \1", value)  # "A (avec B et C)": B and C are authors too
    text = _PARENTHESES.sub(" ", text)  # before URLs and e-mails: one in parentheses goes with them
    text = _HANDLE.sub(" ", _URL.sub(" ", _EMAIL.sub(" ", text)))
    text = _DATE_TAIL.sub("", text)
    text = _BY.sub("", " ".join(text.split()))
    names = []
    for position, part in enumerate(_SEPARATORS.split(text)):
        name = _BY.sub("", part.strip(" .:-\u2013\u2014'\"")).strip()
        if _is_name(name) and not (position and _is_initial_or_degree(name)):
            names.append(name)
    return names


def person_name(person: Any) -> str | None:
    """A JSON-LD person's (or organisation's) name: `name`, or `givenName` + `familyName`."""
    if isinstance(person, str):
        return person.strip() or None
    if not isinstance(person, dict):
        return None
    name = person.get("name")
    if isinstance(name, list) and name:
        name = name[0]
    if isinstance(name, str) and name.strip():
        return name.strip()
    parts = [person.get(key) for key in ("givenName", "additionalName", "familyName")]
    joined = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return joined or None


def _is_initial_or_degree(name: str) -> bool:
    """After a name, a Latin part of three letters or fewer is an initial or a degree ("Lee, F",
    "Goodman, MA", "PhD"), not a second author; Chinese and Japanese names are that short."""
    return name.isascii() and sum(character.isalpha() for character in name) <= 3


def _raw_names(values: Any) -> list[str]:
    items = values if isinstance(values, list) else [values]
    return [name for item in items[:50] if (name := person_name(item))]


def _is_name(name: str) -> bool:
    """A person's (or an agency's) name: letters, not too long, no role, not a single initial."""
    return (
        sum(character.isalpha() for character in name) >= 2
        and len(name) <= _MAX_NAME_CHARS
        and len(name.split()) <= _MAX_NAME_WORDS
        and any(character.isalpha() for character in name)
        and not _ROLES.search(name)
        and "@" not in name
        and not any(character.isdigit() for character in name)  # a user name ("CC7567"), not a person
        and not name.lower().startswith(("http", "www."))
    )
