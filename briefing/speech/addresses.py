"""URLs, domains and e-mail addresses for the ear: said as their host ("https://www.bbc.co.uk/x"
-> "B.B.C dot co dot U.K"), never character by character."""

from __future__ import annotations

import re

from briefing.speech.abbreviations import is_spelled, spell_letters


def _say_host(host: str) -> str:
    """A host name for the ear: "www.bbc.co.uk" -> "B.B.C dot co dot U.K"."""
    host = host.lower().removeprefix("www.").strip(".")
    labels = []
    for label in host.split("."):
        if not label:
            continue
        upper = label.upper()
        if upper.isalpha() and is_spelled(upper):
            labels.append(spell_letters(upper))
        else:
            labels.append(label)
    return " dot ".join(labels)


def _url_host(url: str) -> str:
    """The host part of ``url``, without scheme, user, port, path, query or fragment."""
    rest = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", url)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0]
    host = host.rpartition("@")[2]
    return host.partition(":")[0]


def say_url(match: re.Match[str]) -> str:
    """A URL is said as its host: "https://www.example.com/x?y" -> "example dot com"."""
    return _say_host(_url_host(match.group(0)))


def url_host_only(match: re.Match[str]) -> str:
    """(Other languages.) A URL is cut to its host, which the engine reads in its language."""
    return _url_host(match.group(0)).lower().removeprefix("www.")


def say_email(match: re.Match[str]) -> str:
    """"jane.doe@example.org" -> "jane dot doe at example dot org"."""
    local, _, host = match.group(0).rpartition("@")
    spoken = {".": " dot ", "_": " underscore ", "-": " dash ", "+": " plus ", "%": " percent "}
    local = re.sub(r"[._+%-]", lambda m: spoken[m.group(0)], local)
    return " ".join(f"{local} at {_say_host(host)}".split())


def say_domain(match: re.Match[str]) -> str:
    """A bare domain with a common top-level domain: "CNN.com/live" -> "C.N.N dot com"."""
    return _say_host(match.group("host"))
