"""The suite's client is the one partners get from the plugin: ``mockcasa.testing.Client`` (``Api`` here).

JSON in, ``Reply(status, body, headers, raw)`` out; ``create`` insists on 201, ``list_all``
follows every page.
"""

from mockcasa.testing.client import BASE, Reply
from mockcasa.testing.client import Client as Api

__all__ = ["BASE", "Api", "Reply"]
