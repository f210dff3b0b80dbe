"""A client for the admin API in tests: the admin token on every request, YAML bodies when asked."""

from __future__ import annotations

from typing import Any

from mockcasa.admin import ADMIN_TOKEN
from tests.support.api import Api, Reply

PREFIX = "/_mockcasa"


class Admin(Api):
    def __init__(self, http, token: str) -> None:
        super().__init__(http, None)
        self.token = token

    def credentials(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    async def request(self, method: str, path: str, json: Any = None, headers: dict | None = None,
                      **kwargs) -> Reply:
        return await super().request(method, PREFIX + path, json=json, headers=headers, **kwargs)

    async def post_yaml(self, path: str, text: str, **kw) -> Reply:
        return await self.request("POST", path, data=text.encode(), headers={"Content-Type": "application/yaml"},
                                  **kw)

    async def new_org(self, **body) -> tuple[dict, Api]:
        """Create an organization; returns its description and a public-API client with its fresh key."""
        reply = await self.post("/organizations", body)
        assert reply.status == 201, reply
        return reply.body["organization"], Api(self.http, reply.body["apiKey"]["key"])


def admin_of(api: Api) -> Admin:
    """The admin client of the app ``api`` talks to (for tests that build their own apps)."""
    return Admin(api.http, api.http.app[ADMIN_TOKEN])
