"""Where deliveries may go: loopback only when allowed, private networks only when listed."""

import ipaddress

import pytest

from mockcasa.webhooks.targets import TargetPolicy
from tests.support.admin import admin_of

HOOK = {"name": "t", "events": ["client_created"]}


async def deliver_once(api, deliveries, url) -> tuple[dict, dict]:
    """Subscribe ``url``, trigger one event, wait; returns the webhook after and its delivery."""
    hook = await api.create("webhooks", **HOOK, url=url)
    await api.create("clients", name="Acme")
    await deliveries.drain()
    after = (await api.get(f"webhooks/{hook['id']}")).body
    newest = (await admin_of(api).get(f"/organizations/{api.org.id}/webhook-deliveries")).body["data"][0]
    return after, newest


async def test_local_receivers_need_the_setting(build, receiver):
    api, deliveries = await build(allow_local_webhooks=False)
    port = receiver.base.rsplit(":", 1)[1]
    refused = await api.post("webhooks", {**HOOK, "url": receiver.url()})
    assert refused.status == 400 and "MOCKCASA_ALLOW_LOCAL_WEBHOOKS" in refused.error["details"]["url"]
    for url in (f"https://127.0.0.1:{port}/hook", f"https://localhost:{port}/hook", f"https://[::1]:{port}/h"):
        after, delivery = await deliver_once(api, deliveries, url)
        assert delivery["status"] == "failed" and len(delivery["attempts"]) == 1  # never retried
        assert delivery["reason"].startswith("blocked:") and "loopback" in delivery["reason"]
        assert after["consecutiveFailures"] == 1 and after["lastStatus"] is None
        await api.delete(f"webhooks/{after['id']}")
    assert receiver.requests == []


async def test_private_addresses_are_blocked_even_with_local_receivers_allowed(build):
    api, deliveries = await build(allow_local_webhooks=True)
    after, delivery = await deliver_once(api, deliveries, "https://10.1.2.3/hook")
    assert delivery["status"] == "failed" and "private" in delivery["reason"]
    assert len(delivery["attempts"]) == 1 and after["consecutiveFailures"] == 1
    refused = await api.post("webhooks", {**HOOK, "url": "http://10.1.2.3/hook"})
    assert refused.status == 400


async def test_listed_networks_are_allowed(build, receiver):
    api, deliveries = await build(allow_local_webhooks=False, webhook_allowed_networks=["127.0.0.0/8"])
    after, delivery = await deliver_once(api, deliveries, receiver.url())
    assert delivery["status"] == "succeeded" and after["lastStatus"] == 200
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("address, allowed", [
    ("93.184.216.34", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("::1", False),
    ("10.0.0.1", False), ("172.16.5.4", False), ("192.168.1.1", False), ("169.254.169.254", False),
    ("fe80::1", False), ("fc00::1", False), ("100.64.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
])
def test_address_policy(address, allowed):
    assert (TargetPolicy().address_problem(ipaddress.ip_address(address)) is None) is allowed
    local = TargetPolicy(allow_local=True).address_problem(ipaddress.ip_address(address)) is None
    assert local is (allowed or address in ("127.0.0.1", "::1"))


def test_ipv4_mapped_addresses_are_checked_as_ipv4():
    assert TargetPolicy().url_problem("https://[::ffff:10.0.0.1]/") is None
    with pytest.raises(OSError, match="private"):
        TargetPolicy().check_url("https://[::ffff:10.0.0.1]/")


async def test_timeouts_fail_attempts(build, receiver):
    api, deliveries = await build(webhook_timeout=0.05, webhook_attempts=2)
    receiver.hold()
    after, delivery = await deliver_once(api, deliveries, receiver.url())
    receiver.release()
    assert delivery["status"] == "failed" and [a["error"] for a in delivery["attempts"]] == [
        "timed out after 0.05s"] * 2
    assert after["consecutiveFailures"] == 2 and after["lastStatus"] is None


async def test_auto_disable_after_consecutive_failures(build, receiver):
    api, deliveries = await build(webhook_disable_after=4, webhook_attempts=3)
    receiver.answer(*[500] * 10)
    hook = await api.create("webhooks", **HOOK, url=receiver.url())
    await api.create("clients", name="One")
    await deliveries.drain()
    assert (await api.get(f"webhooks/{hook['id']}")).body["enabled"] is True
    await api.create("clients", name="Two")
    await deliveries.drain()
    after = (await api.get(f"webhooks/{hook['id']}")).body
    assert after["enabled"] is False and after["consecutiveFailures"] == 4
    assert len(receiver.requests) == 4  # the second delivery stopped when the webhook was disabled
    log = (await admin_of(api).get(f"/organizations/{api.org.id}/webhook-deliveries")).body["data"]
    assert [(d["status"], d["reason"]) for d in log] == [
        ("cancelled", "the webhook is disabled"), ("failed", "the receiver answered 500")]
    await api.create("clients", name="Three")
    await deliveries.drain()
    assert len(receiver.requests) == 4


@pytest.mark.parametrize("address, embedded", [
    ("::ffff:127.0.0.1", "127.0.0.1"), ("::7f00:1", "127.0.0.1"), ("::a00:1", "10.0.0.1"),
    ("64:ff9b::7f00:1", "127.0.0.1"), ("64:ff9b::a9fe:a9fe", "169.254.169.254"), ("2002:7f00:1::", "127.0.0.1"),
    ("2002:a00:1::1", "10.0.0.1"), ("64:ff9b::5db8:d822", "93.184.216.34"), ("2002:5db8:d822::1", "93.184.216.34"),
])
def test_ipv6_forms_embedding_an_ipv4_address_are_judged_by_it(address, embedded):
    """Issue 13 §6: ``::7f00:1``, NAT64 and 6to4 reach the IPv4 address they carry."""
    for policy in (TargetPolicy(), TargetPolicy(allow_local=True), TargetPolicy(allowed_networks=(
            ipaddress.ip_network("10.0.0.0/8"),))):
        expected = policy.address_problem(ipaddress.ip_address(embedded)) is None
        url = f"https://[{address}]/hook"
        try:
            policy.check_url(url)
            allowed = True
        except OSError:
            allowed = False
        assert allowed is expected, (address, policy)


def test_local_use_nat64_is_never_assumed_public():
    assert TargetPolicy().address_problem(ipaddress.ip_address("64:ff9b:1::7f00:1")) is not None
    assert TargetPolicy().address_problem(ipaddress.ip_address("::1")) is not None
