"""Record ids come from a per-organization generator: still UUID v4, still unique."""

from __future__ import annotations

import uuid

from mockcasa.models.common import RecordIds, is_uuid


def test_generated_ids_are_uuid_v4_and_unique():
    ids = RecordIds()
    made = [ids() for _ in range(20_000)]
    assert len(set(made)) == len(made)
    for record_id in made[:2000]:
        parsed = uuid.UUID(record_id)
        assert is_uuid(record_id) and str(parsed) == record_id
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_two_generators_do_not_repeat_each_other():
    assert {RecordIds()() for _ in range(100)}.isdisjoint({RecordIds()() for _ in range(100)})


async def test_created_records_get_uuid_v4_ids_of_their_own(api, other_api):
    made = [(await client.post("clients", {"name": f"C{i}"})).body["id"] for client in (api, other_api)
            for i in range(20)]
    assert len(set(made)) == 40 and all(uuid.UUID(i).version == 4 for i in made)
