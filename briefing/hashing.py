"""Canonical content hashes: the one way every cache key in briefing is made."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_hash(payload: Any) -> str:
    """SHA-256 of ``payload`` as canonical JSON (sorted keys, no spaces, UTF-8): the one
    way every cache key in briefing is made."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
