"""Delivery signatures, as the contract's createWebhook describes them.

``X-Signature: sha256=<hex>`` where ``<hex>`` is the HMAC-SHA256, keyed with the webhook's
secret, of ``"{X-Webhook-Timestamp}.{raw body}"``. Receivers recompute it over the bytes they
received and compare in constant time; ``verify`` does exactly that.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` header value for one delivery attempt."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify(secret: str, timestamp: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` sent at ``timestamp`` with ``secret``."""
    if not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(header, signature(secret, timestamp, body))
