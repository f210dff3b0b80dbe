"""The suite's client is the one partners get from the plugin: ``mockcasa.testing.Client`` (``Api`` here).

JSON in, ``Reply(status, body, headers, raw)`` out; ``create`` insists on 201, ``list_all``
follows every page.
"""

from mockcasa.testing.client import BASE, Reply
from mockcasa.testing.client import Client as Api

__all__ = ["BASE", "Api", "Reply", "listed_ids"]


async def listed_ids(api: Api, resource: str, **params) -> set[str]:
    """The ids on the first page of ``GET /resource?params``, asserting the list answered 200.

    Filter tests bind it once: ``ids = partial(listed_ids, api, "contracts")``.
    """
    reply = await api.get(resource, params=params)
    assert reply.status == 200, reply
    return {record["id"] for record in reply.body["data"]}
