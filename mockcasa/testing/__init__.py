"""Helpers for testing against mockcasa, with or without pytest (the plugin's fixtures use them)."""

from mockcasa.testing.client import FAULT_HEADER, Client, Reply
from mockcasa.testing.control import ClockControl, EventLog
from mockcasa.testing.live import LiveOrg, LiveServer

__all__ = ["FAULT_HEADER", "Client", "ClockControl", "EventLog", "LiveOrg", "LiveServer", "Reply"]
