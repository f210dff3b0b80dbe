"""Secrets the request journal, the console and the access log never show.

The journal keeps what a client really sent, so a partner can see the ``Idempotency-Key`` or
``User-Agent`` their code used; credentials in it are masked when an entry is read: header
values (``x-api-key``, ``Authorization``, cookies, the admin token) and body fields (a webhook's
``secret``, OAuth's ``client_secret``, ``code_verifier`` and tokens), in JSON and form bodies.
A masked value keeps its first four characters when it is long enough to stay secret without
them (``cc_t…``), so two credentials can still be told apart.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, quote_plus

SECRET_HEADERS = frozenset({"x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie",
                            "x-admin-token"})
SECRET_FIELDS = frozenset({"secret", "client_secret", "clientSecret", "code_verifier", "access_token",
                           "refresh_token", "id_token", "token", "password"})
# A body holding none of these bytes has no secret field: the common case skips parsing.
_NEEDLES = (b"secret", b"token", b"code_verifier", b"password")
SHOWN_PREFIX = 4
MASK = "…"


def mask(value: str) -> str:
    """``cc_test_default_key`` -> ``cc_t…``; short values are hidden whole."""
    if len(value) >= 3 * SHOWN_PREFIX:
        return value[:SHOWN_PREFIX] + MASK
    return MASK


def mask_header(name: str, value: str) -> str:
    """A header value as it may be shown (``Authorization: Bearer cc_t…``)."""
    if name.lower() not in SECRET_HEADERS:
        return value
    scheme, space, token = value.partition(" ")
    if space and scheme.lower() in ("bearer", "basic", "token"):
        return f"{scheme} {mask(token.strip())}"
    return mask(value)


def headers_shown(headers: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Headers as a dict of lower-case names (repeated headers joined with ", "), secrets masked."""
    shown: dict[str, str] = {}
    for name, value in headers:
        lower = name.lower()
        value = mask_header(lower, value)
        shown[lower] = f"{shown[lower]}, {value}" if lower in shown else value
    return shown


def might_hold_secrets(raw: bytes) -> bool:
    return any(needle in raw for needle in _NEEDLES)


def mask_json(value: Any) -> Any:
    """A parsed JSON value with every secret field's string value masked, at any depth."""
    stack = [value]
    while stack:  # iterative: a deeply nested body must not exhaust the recursion limit
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if key in SECRET_FIELDS and isinstance(item, str):
                    node[key] = mask(item)
                elif isinstance(item, (dict, list)):
                    stack.append(item)
        elif isinstance(node, list):
            stack.extend(item for item in node if isinstance(item, (dict, list)))
    return value


def mask_form(text: str) -> str:
    """An ``application/x-www-form-urlencoded`` body with secret fields masked."""
    pairs = parse_qsl(text, keep_blank_values=True)
    return "&".join(f"{quote_plus(k)}={mask(v) if k in SECRET_FIELDS else quote_plus(v)}" for k, v in pairs)


def mask_text(text: str) -> str:
    """A body that is neither JSON nor a form: JSON-looking text is masked as JSON when it parses."""
    try:
        return json.dumps(mask_json(json.loads(text)), ensure_ascii=False)
    except (ValueError, RecursionError):
        return text
