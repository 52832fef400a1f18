"""YAML loading for files users write: safe, and with dates left as strings to validate."""

from __future__ import annotations

from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """A SafeLoader that does not turn ``2024-13-01`` into a date (or crash on it)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class YamlError(ValueError):
    """The text is not valid YAML; ``line`` is 1-based when known."""

    def __init__(self, line: int | None) -> None:
        super().__init__(f"invalid YAML{f' at line {line}' if line else ''}")
        self.line = line


def load_yaml(text: str) -> Any:
    """Parse YAML text safely; dates stay strings."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlError(mark.line + 1 if mark is not None else None) from None
