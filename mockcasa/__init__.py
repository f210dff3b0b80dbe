"""mockcasa: a stateful, high-fidelity sandbox of the ClientCasa REST API v1."""

from mockcasa.app import create_app
from mockcasa.version import __version__

__all__ = ["__version__", "create_app"]
