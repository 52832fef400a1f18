"""YAML loading for files users write: safe, bounded, and with dates left as strings to validate.

PyYAML's ``SafeLoader`` still trusts the document's shape: its composer recurses once per level
(20,000 nested ``[`` exhaust the stack), aliases let 400 bytes expand to gigabytes when the
result is walked, a 5,000-digit integer raises a bare ``ValueError``, and ``"\\ud800"`` gives a
string that cannot be written as UTF-8.  No file briefing reads needs any of these, so the
loader here refuses them with the line where they occur.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings accepted (articles and front matter need 4)."""

MAX_INT_DIGITS = 100
"""Longest integer accepted, in characters."""


class YamlError(ValueError):
    """The text is not valid (or not acceptable) YAML; ``line`` is 1-based when known."""

    def __init__(self, line: int | None, problem: str | None = None) -> None:
        where = f" at line {line}" if line else ""
        super().__init__(f"invalid YAML{where}{f': {problem}' if problem else ''}")
        self.line = line
        self.problem = problem


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (``"\\ud800"``), which is not a character."""
    return any("\ud800" <= c <= "\udfff" for c in text)


def _line(node_or_event: Any) -> int | None:
    mark = getattr(node_or_event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


class _Loader(yaml.SafeLoader):
    """A SafeLoader without timestamps, aliases, deep nesting, huge integers or surrogates."""

    _depth = 0

    def _event_line(self) -> int | None:
        return _line(self.peek_event())  # type: ignore[no-untyped-call]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            raise YamlError(self._event_line(),
                            "aliases (*name) are not allowed; write the value out")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlError(self._event_line(),
                                f"nested more than {MAX_DEPTH} levels deep")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if isinstance(node, ScalarNode) and has_surrogate(node.value):
            raise YamlError(_line(node), "a string holds a lone surrogate (such as \\ud800), "
                                         "which is not a character")
        return node

    def construct_bounded_int(self, node: ScalarNode) -> Any:
        if len(str(node.value)) > MAX_INT_DIGITS:
            raise YamlError(_line(node), f"a number is longer than {MAX_INT_DIGITS} digits")
        return self.construct_yaml_int(node)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_bounded_int)


def load_yaml(text: str) -> Any:
    """Parse YAML text safely; dates stay strings.  Raises :class:`YamlError`."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlError(mark.line + 1 if mark is not None else None,
                        getattr(exc, "problem", None)) from None
