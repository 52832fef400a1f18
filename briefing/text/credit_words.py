"""Words of photo credits: wire services, distributors, organisation and institution words.

Data for :mod:`briefing.text.credits` and :mod:`briefing.text.credit_lines` (kept apart so that
the grammar stays readable).  Extend these tables when a newsroom's credits use a word they
lack; names are lower-cased.
"""

from __future__ import annotations

import re

DISTRIBUTORS = frozenset({
    "getty images", "shutterstock", "ap", "reuters", "afp", "alamy", "alamy stock photo",
    "redux", "polaris", "zuma press", "zuma wire", "sipa usa", "sipa", "abaca", "imago",
    "picture alliance", "bloomberg via getty images", "epa", "efe", "anadolu", "nurphoto",
})
"""Agencies that distribute other agencies' photos: the last of a chain is said with "via"."""

KNOWN_AGENCIES = frozenset({
    "ap", "afp", "reuters", "getty", "getty images", "epa", "efe", "epa-efe", "dpa", "imago",
    "picture alliance", "xinhua", "tass", "ria novosti", "sputnik", "anadolu", "kyodo", "yonhap",
    "jiji", "ansa", "bloomberg", "shutterstock", "alamy", "sipa", "abaca", "zuma", "nurphoto",
    "lightrocket", "gamma-rapho", "redux", "polaris", "magnum", "vii", "nasa", "esa", "noaa",
    "maxar", "planet labs", "airbus", "blacksky", "capella space", "copernicus", "ukrinform",
    "wana", "sana", "irna", "mehr", "tasnim", "vna", "kcna", "bernama", "antara", "pti", "ani",
    "al jazeera", "le monde", "der spiegel", "imaginechina", "europa press", "belga", "anp",
    "ritzau", "ntb", "tt", "lusa", "pap", "ctk", "mti", "hina", "ина", "тасс", "риа новости",
    "ap photo", "jpl-caltech", "keystone", "wenn", "pa", "pa images", "pa wire", "aap", "cp",
    "associated press", "the associated press", "agence france-presse", "google earth",
    "google maps", "openstreetmap", "scanpix", "ritzau scanpix", "lehtikuva", "tt news agency",
    "kns", "cnn", "bbc", "nbc", "abc", "cbs", "npr", "sky news", "kremlin.ru", "social media",
})
"""Wire services, photo agencies and imagery providers, lower-cased."""

SATELLITE_PROVIDERS = re.compile(
    r"\b(?:Maxar|Planet Labs|Airbus DS|Airbus Defence|BlackSky|Capella Space|Sentinel|Copernicus"
    r"|Landsat|ICEYE|Umbra|Satellogic)\b", re.I)
"""Companies and programmes whose credit says the image is a satellite image."""

ORG_WORDS = frozenset({
    "images", "image", "imagery", "technologies", "news", "press", "agency", "labs", "inc",
    "ltd", "corp", "co", "llc", "pbc", "gmbh", "media", "photos", "pictures", "service",
    "services", "ministry", "department", "office", "army", "navy", "force", "forces", "police",
    "government", "network", "foundation", "institute", "university", "museum", "archive",
    "archives", "collection", "library", "studio", "studios", "group", "company", "alliance",
    "times", "post", "journal", "herald", "tribune", "guardian", "telegraph", "gazette", "daily",
    "wire", "stock", "presidency", "administration", "council", "committee", "commission",
    "embassy", "command", "guard", "corps", "festival", "publishing", "broadcasting", "tv",
    "television", "radio", "channel", "commons", "space", "center", "centre", "observatory",
    "team", "club", "federation", "league", "party", "authority", "parliament", "house",
    "kremlin", "palace", "municipality", "city", "hospital", "project", "partners", "systems",
    "agence", "presse", "society", "unit", "contributors", "scanpix", "crescent",
})
"""Words that make a credit part an organisation rather than a person."""

INSTITUTIONS = frozenset({
    "office", "service", "services", "ministry", "department", "army", "navy", "force",
    "forces", "police", "government", "presidency", "administration", "council", "committee",
    "commission", "embassy", "command", "guard", "corps", "parliament", "kremlin", "authority",
    "municipality", "white house", "military", "coast guard", "marines", "marine corps",
    "unit", "society", "library", "museum", "archives",
})
"""Words that make a name take "the" when said (``the U.S. Navy``, ``the Kremlin``)."""

CONNECTORS = frozenset({
    "de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "al", "el",
    "bin", "ibn", "of", "for", "and", "the", "y", "via", "&", "e", "dos", "das", "do", "ben",
    "ter", "ten", "zu", "af", "bint", "abu",
})
CREDIT_WORDS = frozenset({
    "handout", "pool", "file", "photo", "photos", "photograph", "picture", "courtesy", "by",
    "via", "press", "office", "image", "images", "satellite", "service", "provided", "from",
    "video", "screenshot", "screengrab", "grab", "still",
})

TITLE_CASED = frozenset({"reuters", "xinhua", "anadolu", "sputnik", "bloomberg", "shutterstock",
                          "getty images", "kyodo", "yonhap", "getty"})
"""Agencies written in capitals on credit lines that are said as words, not letters."""

PLATFORMS = frozenset({
    "social media", "telegram", "instagram", "facebook", "x", "twitter", "tiktok", "youtube",
    "vk", "vkontakte", "weibo", "wechat", "threads", "bluesky", "snapchat",
})
"""Social networks a photo was taken from: said with "from" (``Photo from Telegram``)."""
