"""mockcasa: a stateful, high-fidelity sandbox of the ClientCasa REST API v1."""

__version__ = "0.1.0"

from mockcasa.app import create_app

__all__ = ["__version__", "create_app"]
