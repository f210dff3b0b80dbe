"""mockcasa: a stateful, high-fidelity sandbox of the ClientCasa REST API v1."""

__version__ = "0.1.0"

from mockcasa.app import create_app  # noqa: E402

__all__ = ["create_app", "__version__"]
