"""The small forms of the dashboard actions, and the shipped seeds and scenarios the console offers.

``GET /_mockcasa/actions`` names every action; the parameters each takes are described in
docs/admin.md, and listed here as form fields (name, input type, hint). An action not listed
here still gets a button, with a free JSON field for its parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockcasa.config import shipped_scenarios, shipped_seeds

__all__ = ["ACTION_PARAMS", "Param", "action_params", "shipped_scenarios", "shipped_seeds"]


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "text"  # text, number, date, json, or a choice "a|b|c"
    hint: str = ""

    @property
    def choices(self) -> list[str]:
        return self.kind.split("|") if "|" in self.kind else []


_RECEIVED = Param("receivedDate", "date", "today")
ACTION_PARAMS: dict[tuple[str, str], tuple[Param, ...]] = {
    ("invoices", "record_stripe_payment"): (Param("amount", "number", "the balance due"),
                                            Param("fee", "number", "2.9% + 0.30"), _RECEIVED,
                                            Param("reference", hint="ch_…")),
    ("payments", "refund"): (Param("amount", "number", "all that is left"), _RECEIVED, Param("reference")),
    ("payments", "chargeback"): (Param("amount", "number", "all that is left"), _RECEIVED, Param("reference")),
    ("payments", "dispute_fee"): (Param("amount", "number", "15.00"), _RECEIVED),
    ("contracts", "send"): (Param("signingMode", "|client_only|counter_sign|auto_counter_sign", "client_only"),
                            Param("signers", "json", '[{"name": "…", "email": "…"}] (default: the billing contact)')),
    ("contracts", "sign"): (Param("order", "number", "every pending client signer"),),
    ("client-documents", "accept"): (Param("by", "|client|operator", "client"),),
    ("inquiries", "convert"): (Param("clientId", hint="an existing client's id"), Param("clientName"),
                               Param("projectName", hint="the inquiry's name")),
    ("payouts", "mark_paid"): (Param("arrivalDate", "date", "today"),),
    ("payouts", "mark_failed"): (Param("failureCode", hint="account_closed"), Param("failureMessage")),
    ("time-entries", "bill"): (Param("invoiceId", hint="an invoice id of the entry's client; empty unbills"),),
    ("transactions", "bill"): (Param("invoiceId", hint="an invoice id; empty unbills"),),
    ("payouts", "create"): (Param("arrivalDate", "date", "today + 2 days"), Param("status", "|pending|in_transit"),
                            Param("description"), Param("paymentIds", "json", "every Stripe entry not paid out")),
    ("calendar-events", "sync"): (Param("source", "google|microsoft|apple"), Param("title", hint="required"),
                                  Param("startDateTime", hint="2026-05-20T10:00:00Z"),
                                  Param("endDateTime", hint="2026-05-20T11:00:00Z")),
}
FREE_FORM = (Param("parameters", "json", "a JSON object, {} for none"),)


def action_params(resource: str, action: str) -> tuple[Param, ...]:
    return ACTION_PARAMS.get((resource, action), FREE_FORM)


