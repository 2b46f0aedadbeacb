"""The one content hash behind every digest asynclint keeps: cache keys, summary and settings
digests, CI fingerprints."""

from __future__ import annotations

import json
from typing import Any

try:
    # `hashlib` loads its OpenSSL binding before it looks for BLAKE2: ~4 ms of CPU per
    # process, 2 % of a warm run (30 runs of `python -S -c 'import hashlib'`: 0.40 s CPU,
    # of `import _blake2`: 0.28 s). The built-in module is where `hashlib.blake2b` is from.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter built without it
    from hashlib import blake2b


def hex_digest(data: bytes, size: int = 16) -> str:
    """BLAKE2b of `data` as hexadecimal, `size` bytes long."""
    return blake2b(data, digest_size=size).hexdigest()


def digest_of(value: Any) -> str:
    """What identifies a JSON value (a module summary, one provider's facts): equal values,
    equal digests."""
    return hex_digest(json.dumps(value, sort_keys=True, separators=(",", ":")).encode(), 8)
