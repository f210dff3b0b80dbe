"""The request digest an idempotency key remembers is the same as ever (snapshots keep digests).

``reference`` is how the digest was first defined: SHA-256 of ``json.loads`` re-encoded with sorted
keys and no spaces, of ``b"raw:" + body`` when the body is not JSON, of nothing for a blank one.
"""

from __future__ import annotations

import hashlib
import json
import random

import pytest

from mockcasa.http.idempotency import digest


def reference(raw: bytes) -> str:
    if not raw.strip():
        canonical = b""
    else:
        try:
            canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError):
            canonical = b"raw:" + raw
    return hashlib.sha256(canonical).hexdigest()


EDGES = [
    b"", b" \t\r\n", b"\x0b", b"{}", b"[]", b'{"b":1,"a":[1,2,{"d":null,"c":true}]}', b' {"a" : 1 }\n',
    b'{"a":1,"a":2}', b"[1,]", b'{"a":1,}', b"{'a':1}", b"01", b"+1", b".5", b"1.", b"0x10", b"-0", b"-0.0",
    b"1e2", b"1E400", b"-1e400", b"1e-400", b"NaN", b"Infinity", b"-Infinity", b'{"a":NaN}', b"nan", b"True",
    b'"a\x01b"', b'"\\ud800"', b'"\xed\xa0\x80"', b'"\\udE00\\ud83d"', b'"\\uD83D\\uDE00"', b'"\xff"',
    b'{"\xe2\x82\xac":"\xc3\xa9"}', b"\xef\xbb\xbf{}", '{"a":"é"}'.encode("utf-16"), '{"a":1}'.encode("utf-32"),
    b"\x00{}", b"[1]x", b"1 2", b"1" + b"0" * 5000, b"1" + b"0" * 4000, b"1." + b"0" * 500 + b"1",
    b"[" * 300 + b"]" * 300, b"[" * 5000 + b"]" * 5000, b"12345678901234567890123456789", b"4.9e-324",
    b"2.4703282292062328e-324", b"1.7976931348623157e308", b'"\\u0000\\/\\n"', b"not json at all", b"\xc3",
]


@pytest.mark.parametrize("raw", EDGES, ids=range(len(EDGES)))
def test_edge_cases_digest_as_they_always_did(raw):
    assert digest(raw) == reference(raw)


def _document(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randrange(-10**rng.randrange(1, 30), 10**rng.randrange(1, 30))
    if kind == 2:
        return rng.uniform(-1e6, 1e6) * 10 ** rng.randrange(-300, 300)
    if kind in (3, 4, 5):
        return "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0xD7FF), 0x1F600, 10, 34, 92]))
                       for _ in range(rng.randrange(12)))
    if kind in (6, 7):
        return {str(_document(rng, 4)): _document(rng, depth + 1) for _ in range(rng.randrange(5))}
    return [_document(rng, depth + 1) for _ in range(rng.randrange(5))]


def test_random_documents_digest_as_they_always_did():
    rng = random.Random(17)
    for _ in range(3000):
        document = _document(rng)
        raw = json.dumps(document, ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 1])).encode()
        assert digest(raw) == reference(raw), raw
