"""mockcasa: a stateful, high-fidelity sandbox of the ClientCasa REST API v1."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockcasa.version import __version__

if TYPE_CHECKING:
    from mockcasa.app import create_app

__all__ = ["__version__", "create_app"]


def __getattr__(name: str) -> object:
    """``mockcasa.create_app`` on first use (PEP 562): ``import mockcasa.cli`` need not build the app's world."""
    if name == "create_app":
        from mockcasa.app import create_app

        return create_app
    raise AttributeError(f"module 'mockcasa' has no attribute {name!r}")
