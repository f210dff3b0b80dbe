"""An organization's rate-limit windows: per credential, when the window opened, ends, and its count.

The rules (fixed window from the first request, on the organization's clock) are in
``mockcasa.http.ratelimit``; this is the state they keep, declared on ``Organization``.
"""

from __future__ import annotations

from math import ceil
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

if TYPE_CHECKING:
    from mockcasa.state.declare import Loading

PURGE_ABOVE = 1024  # windows kept per organization before ended ones are dropped


class Window:
    """One credential's current window: when it ends and how many requests it has counted."""

    __slots__ = ("count", "reset_at", "reset_header", "start")

    def __init__(self, start: float, seconds: float, count: int = 0) -> None:
        self.start = start
        self.reset_at = start + seconds
        self.reset_header = str(ceil(self.reset_at))
        self.count = count

    @classmethod
    def exact(cls, start: float, reset_at: float, count: int) -> Window:
        """A window ending exactly at ``reset_at`` (``start + seconds`` could round differently)."""
        window = cls(start, 0, count)
        window.reset_at = reset_at
        window.reset_header = str(ceil(reset_at))
        return window

    def open_at(self, now: float) -> bool:
        return self.start <= now < self.reset_at


class WindowData(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", defer_build=True)
    credential_id: str
    start: float
    reset_at: float
    count: int


RateWindows = dict[str, Window]  # credential id -> its window


def open_window(windows: RateWindows, credential_id: str, now: float, seconds: float) -> Window:
    """The credential's open window at ``now``, opening a new one when needed (dropping ended ones
    once there are many, so credentials that stopped calling do not pile up)."""
    window = windows.get(credential_id)
    if window is None or not window.open_at(now):
        if window is None and len(windows) >= PURGE_ABOVE:
            for ended in [c for c, w in windows.items() if not w.open_at(now)]:
                del windows[ended]
        window = windows[credential_id] = Window(now, seconds)
    return window


def copy_windows(windows: RateWindows) -> RateWindows:
    return {c: Window.exact(w.start, w.reset_at, w.count) for c, w in windows.items()}


def dump_windows(windows: RateWindows) -> list[dict]:
    return [{"credentialId": c, "start": w.start, "resetAt": w.reset_at, "count": w.count}
            for c, w in windows.items()]


def load_windows(data: list[WindowData], loading: Loading) -> RateWindows:
    return {item.credential_id: Window.exact(item.start, item.reset_at, item.count) for item in data}
