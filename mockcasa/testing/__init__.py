"""Helpers for testing against mockcasa, with or without pytest (the plugin's fixtures use them)."""

from mockcasa.testing.admin import AdminClient, AdminError
from mockcasa.testing.client import FAULT_HEADER, Client, Reply
from mockcasa.testing.control import ClockControl, EventLog
from mockcasa.testing.deliveries import InProcessDeliveries, LiveDeliveries
from mockcasa.testing.faults import Faults, InProcessFaults, LiveFaults
from mockcasa.testing.journal import InProcessJournal, LiveJournal
from mockcasa.testing.live import LiveOrg, LiveServer
from mockcasa.testing.receiver import (
    InProcessReceiver,
    LiveReceiver,
    Received,
    SignatureError,
    verify_signature,
)

__all__ = [
    "FAULT_HEADER",
    "AdminClient",
    "AdminError",
    "Client",
    "ClockControl",
    "EventLog",
    "Faults",
    "InProcessDeliveries",
    "InProcessFaults",
    "InProcessJournal",
    "InProcessReceiver",
    "LiveDeliveries",
    "LiveFaults",
    "LiveJournal",
    "LiveOrg",
    "LiveReceiver",
    "LiveServer",
    "Received",
    "Reply",
    "SignatureError",
    "verify_signature",
]
