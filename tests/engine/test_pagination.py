"""page/pageSize, ordering and the pagination block."""

import pytest


async def _make_clients(api, n):
    return [await api.create("clients", name=f"Client {i:02d}") for i in range(n)]


async def test_pages_newest_first_with_correct_meta(api):
    api.org.clock.freeze()
    made = []
    for i in range(7):
        made.append(await api.create("clients", name=f"C{i}"))
        api.org.clock.advance(__import__("datetime").timedelta(seconds=1))
    first = await api.get("clients", params={"pageSize": 3})
    assert [c["name"] for c in first.body["data"]] == ["C6", "C5", "C4"]
    assert first.body["pagination"] == {"page": 1, "pageSize": 3, "total": 7, "totalPages": 3, "hasMore": True}
    last = await api.get("clients", params={"pageSize": 3, "page": 3})
    assert [c["name"] for c in last.body["data"]] == ["C0"]
    assert last.body["pagination"]["hasMore"] is False
    past = await api.get("clients", params={"pageSize": 3, "page": 9})
    assert past.status == 200 and past.body["data"] == []
    assert past.body["pagination"] == {"page": 9, "pageSize": 3, "total": 7, "totalPages": 3, "hasMore": False}


async def test_ties_in_creation_time_are_broken_by_id(api):
    api.org.clock.freeze()
    made = await _make_clients(api, 5)
    listed = (await api.get("clients")).body["data"]
    assert [c["id"] for c in listed] == sorted(c["id"] for c in made)


async def test_empty_list(api):
    reply = await api.get("contacts")
    assert reply.body == {"data": [], "pagination": {"page": 1, "pageSize": 25, "total": 0,
                                                     "totalPages": 0, "hasMore": False}}


@pytest.mark.parametrize("params, field", [
    ({"page": "0"}, "page"), ({"page": "x"}, "page"), ({"pageSize": "0"}, "pageSize"),
    ({"pageSize": "101"}, "pageSize"), ({"pageSize": "2.5"}, "pageSize"), ({"page": "-1"}, "page"),
])
async def test_out_of_range_paging_is_400(api, params, field):
    reply = await api.get("clients", params=params)
    assert reply.status == 400 and reply.error["code"] == "invalid_request"
    assert field in reply.error["details"]


async def test_page_size_100_is_allowed(api):
    await _make_clients(api, 3)
    reply = await api.get("clients", params={"pageSize": "100"})
    assert reply.status == 200 and len(reply.body["data"]) == 3
