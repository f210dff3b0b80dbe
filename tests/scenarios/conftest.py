import pytest

from mockcasa.scenarios import layer


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Latency the fault layer asked for, recorded instead of waited (tests stay fast)."""
    asked: list[float] = []

    async def record(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(layer, "sleep", record)
    return asked


@pytest.fixture
def add_rule(admin):
    async def add(rule: dict, **params) -> dict:
        reply = await admin.post("/faults", rule, params=params or None)
        assert reply.status == 201, reply
        return reply.body
    return add
