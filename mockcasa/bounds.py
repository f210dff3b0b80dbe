"""How big a document a client can make the server build: nesting depth and YAML alias expansion.

Python's ``json`` and the code that later validates, stores and renders a document recurse once
per level of nesting, so a body nested 100,000 levels deep (a 200 KB request) ends in a
``RecursionError`` wherever it is touched first: a 500, or a journal nobody can read any more.
Every JSON text the server parses outside pydantic goes through ``loads``, which measures the
depth first, without recursion and at C speed, and refuses anything deeper than ``MAX_DEPTH``.
YAML documents are bounded the same way while they are built (``source_files``), and may not
expand through aliases beyond ``MAX_EXPANSION`` values (the "billion laughs" file).

The bounds are fixed: real documents stay far below them (seeds and snapshots nest about 8
levels, API bodies about 4), and a limit a client could raise would not be one.
"""

from __future__ import annotations

import json
from itertools import accumulate

MAX_DEPTH = 64  # levels of nesting in any document (JSON body, seed, scenario, snapshot)
MAX_EXPANSION = 100_000  # values a YAML document may build through aliases, beyond its own nodes
# Larger JSON texts are parsed so that other threads get to run meanwhile (``loads``): ~30 % slower.
YIELDING_PARSE_BYTES = 1 << 20

_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[{]}')
# Opening brackets become +1 and closing ones -1 (as signed bytes); everything else is deleted.
_BRACKETS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[{]}")


class TooDeep(ValueError):
    """A document nested more than ``MAX_DEPTH`` levels."""


def json_depth(raw: bytes | str) -> int:
    """How deeply a JSON text nests, counted without parsing it (strings are skipped).

    Valid JSON gives its exact depth; for invalid JSON the figure is only an estimate, and the
    parser refuses the text anyway.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    # Escaped backslashes, then escaped quotes, are dropped (runs of backslashes pair up from the
    # left, as the parser reads them); then only quotes and brackets are kept, and two quotes in a
    # row dropped (an empty string, or the end of one and the start of the next: either way nothing
    # between them). What is left is short, and every other piece between its quotes is a string's
    # content. Each step is one pass at C speed, none a regular expression over the whole text: a
    # 50 MB snapshot is measured in ~0.05 s, not ~1 s (parsing it on a thread then keeps the GIL
    # that much less at a time).
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    kept = raw.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    steps = b"".join(kept.split(b'"')[::2]).translate(_BRACKETS, _NOT_BRACKETS)
    return max(accumulate(memoryview(steps).cast("b")), default=0)


def check_depth(raw: bytes | str, max_depth: int = MAX_DEPTH) -> None:
    """Raise ``TooDeep`` if ``raw`` nests deeper than ``max_depth``."""
    # Depth never exceeds the number of opening brackets: most bodies are settled by two counts.
    if raw.count("[" if isinstance(raw, str) else b"[") + raw.count("{" if isinstance(raw, str) else b"{") \
            <= max_depth:
        return
    if json_depth(raw) > max_depth:
        raise TooDeep(f"nested more than {max_depth} levels deep")


def loads(raw: bytes | str, max_depth: int = MAX_DEPTH) -> object:
    """``json.loads`` that refuses (``TooDeep``, a ``ValueError``) texts nested deeper than ``max_depth``.

    A text over ``YIELDING_PARSE_BYTES`` is parsed with a Python hook per object: the C parser never
    lets another thread run by itself, so a worker thread parsing a 50 MB snapshot (~0.3 s) would
    hold the event loop up for all of it; each call of the hook is a point where the GIL can pass.
    """
    check_depth(raw, max_depth)
    if len(raw) > YIELDING_PARSE_BYTES:
        return json.loads(raw, object_hook=_as_is)
    return json.loads(raw)


def _as_is(obj: dict) -> dict:
    return obj
