"""The admin API over HTTP, synchronously: for the live server, or any running mockcasa (Docker).

Tests outside the server's event loop (sync tests, or async tests talking to the live server's
own thread) can block on it safely. ``AdminClient(url, token).get("/faults")`` returns the JSON
body; a refusal raises ``AdminError`` carrying the error envelope.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from typing import Any

PREFIX = "/_mockcasa"


def _jsonable(value: Any) -> Any:
    """Dates and datetimes (as YAML loads them) in ISO 8601."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class AdminError(Exception):
    """The admin API refused a call: ``status`` and the envelope's ``error`` object."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        details = error.get("details")
        message = f"{status} {error.get('code')}: {error.get('message')}"
        super().__init__(f"{message} {details}" if details else message)
        self.status = status
        self.error = error


class AdminClient:
    def __init__(self, url: str, token: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method: str, route: str, body: Any = None, *, query: dict[str, Any] | None = None,
                yaml_text: str | None = None) -> Any:
        """``route`` is below ``/_mockcasa``; ``body`` goes as JSON, ``yaml_text`` as YAML.

        Query values that are None are left out. Returns the JSON answer (None when empty).
        """
        url = self.url + PREFIX + route
        params = {k: str(v).lower() if isinstance(v, bool) else v
                  for k, v in (query or {}).items() if v is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if yaml_text is not None:
            data, headers["Content-Type"] = yaml_text.encode(), "application/yaml"
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body, default=_jsonable).encode(), "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                error = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                error = {"code": "unexpected_response", "message": raw.decode(errors="replace")}
            raise AdminError(exc.code, error) from None
        return json.loads(raw) if raw else None

    def get(self, route: str, **query: Any) -> Any:
        return self.request("GET", route, query=query)

    def post(self, route: str, body: Any = None, **query: Any) -> Any:
        return self.request("POST", route, body, query=query)

    def delete(self, route: str, **query: Any) -> Any:
        return self.request("DELETE", route, query=query)
