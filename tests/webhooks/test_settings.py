"""Webhook settings from MOCKCASA_* variables."""

import pytest
from pydantic import ValidationError

from mockcasa.config import Settings


def test_webhook_settings_from_the_environment():
    settings = Settings.from_env({
        "MOCKCASA_ALLOW_LOCAL_WEBHOOKS": "1", "MOCKCASA_WEBHOOK_ATTEMPTS": "2",
        "MOCKCASA_WEBHOOK_RETRY_DELAY": "0.5", "MOCKCASA_WEBHOOK_TIMEOUT": "3",
        "MOCKCASA_WEBHOOK_DISABLE_AFTER": "20", "MOCKCASA_WEBHOOK_ALLOWED_NETWORKS": "172.16.0.0/12, 10.0.0.0/8"})
    assert settings.allow_local_webhooks is True
    assert (settings.webhook_attempts, settings.webhook_retry_delay, settings.webhook_timeout) == (2, 0.5, 3.0)
    assert settings.webhook_disable_after == 20
    assert settings.webhook_allowed_networks == ["172.16.0.0/12", "10.0.0.0/8"]
    defaults = Settings.from_env({})
    assert defaults.allow_local_webhooks is False and defaults.webhook_disable_after == 0
    assert (defaults.webhook_attempts, defaults.webhook_retry_delay, defaults.webhook_timeout) == (5, 1.0, 10.0)


@pytest.mark.parametrize("name, value", [
    ("MOCKCASA_WEBHOOK_ALLOWED_NETWORKS", "10.0.0.0/33"), ("MOCKCASA_WEBHOOK_ATTEMPTS", "0"),
    ("MOCKCASA_WEBHOOK_TIMEOUT", "0"),
])
def test_bad_webhook_settings_are_refused(name, value):
    with pytest.raises(ValidationError):
        Settings.from_env({name: value})
