"""The catalogue of webhook events: every name the contract knows, what triggers it, what it carries.

``trigger`` is None for events that exist in the contract but belong to features the public API
does not have (document processing, questionnaires, payment schedules, ...): mockcasa never emits
them, but subscriptions may still list them. docs/webhooks.md renders this table for people.

Each API revision has its own enum: an event names the revisions it belongs to (``since`` the
first one, ``until`` the last one), and ``events_of(revision)`` lists a revision's in its
contract's order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from mockcasa.clock import format_timestamp
from mockcasa.revisions import older


@dataclass(frozen=True)
class EventType:
    name: str
    resource: str | None  # whose record is the payload's ``data``
    trigger: str | None
    since: str = "1.0.0"  # the first API revision whose enum has it
    until: str | None = None  # the last one (None: still there)

    def in_revision(self, revision: str) -> bool:
        return not older(revision, self.since) and (self.until is None or not older(self.until, revision))


def _e(name: str, resource: str | None = None, trigger: str | None = None) -> EventType:
    return EventType(name, resource, trigger)


def _until(last: str, *events: EventType) -> tuple[EventType, ...]:
    return tuple(replace(e, until=last) for e in events)


def _since(first: str, *events: EventType) -> tuple[EventType, ...]:
    return tuple(replace(e, since=first) for e in events)


R2026 = "2026-06-30"


CATALOGUE: tuple[EventType, ...] = (
    *_until("1.0.0", _e("proposal_sent", "proposals", "a draft proposal is sent (PATCH status sent, or admin action send); "
                                     "an expired one reads sent again (PATCH moves expirationDate on)"),
    _e("proposal_expiring"),
    _e("proposal_accepted", "proposals", "admin action accept (the client accepts a sent proposal)"),
    _e("proposal_rejected", "proposals", "admin action reject (the client declines a sent proposal)"),
    _e("proposal_expired", "proposals", "a proposal comes to read expired: the clock passes a sent "
                                        "proposal's expirationDate, a PATCH or send leaves it past, "
                                        "or admin action expire"),
    _e("proposal_viewed")),
    _e("invoice_sent", "invoices", "POST /invoices with status sent, or a PATCH sends a draft"),
    _e("invoice_due_soon"),
    _e("invoice_overdue", "invoices", "an invoice comes to read overdue: the clock passes its dueDate "
                                      "with a balance due, a PATCH moves dueDate into the past or sends "
                                      "it late, or a refund/chargeback reopens it past due"),
    _e("invoice_paid", "invoices", "an invoice comes to read paid: a payment (API, Stripe, adjustment) "
                                   "brings amountPaid to the total, or a zero-total invoice is sent"),
    _e("invoice_payment_failed"),
    _e("invoice_disputed"),
    _e("invoice_payment_reminder"),
    _e("invoice_viewed", "invoices", "invoice admin action view"),
    _e("payment_received", "payments", "POST /payments with kind payment, or invoice admin action "
                                       "record_stripe_payment"),
    _e("payment_refunded", "payments", "POST /payments with kind refund, or payment admin action refund "
                                       "(the payload is the refund)"),
    _e("payment_applied"),
    _e("payment_unapplied"),
    _e("payment_deleted"),
    _e("payment_chargeback", "payments", "payment admin action chargeback (the payload is the chargeback)"),
    _e("receipt_sent"),
    _e("schedule_deposit_ready"),
    _e("schedule_installment_due"),
    _e("schedule_installment_paid"),
    _e("schedule_completed"),
    _e("document_processed"),
    _e("document_action_created"),
    _e("document_action_approved"),
    _e("document_needs_review"),
    _e("document_failed"),
    _e("client_created", "clients", "POST /clients, or inquiry admin action convert (a new client)"),
    _e("contact_created", "contacts", "POST /contacts"),
    _e("project_created", "projects", "POST /projects, or inquiry admin action convert"),
    _e("time_entry_created", "time-entries", "POST /time-entries"),
    *_until("1.0.0",
            _e("inquiry_created", "inquiries", "POST /inquiries"),
            _e("inquiry_status_changed", "inquiries", "a PATCH changes an inquiry's status, or admin action convert"),
            _e("inquiry_converted", "inquiries", "inquiry admin action convert")),
    *_since(R2026,
            _e("lead_created", "clients", "POST /inquiries (the lead it creates: a client in status new), or "
                                          "form-submissions admin action receive"),
            _e("client_won", "clients", "a lead (new, contacted, qualified) becomes active"),
            _e("client_lost", "clients", "a lead (new, contacted, qualified) becomes declined"),
            _e("lead_status_changed", "clients", "a client's status changes while it is or was a lead")),
    _e("milestone_approaching"),
    _e("timer_running_reminder"),
    _e("contract_sent", "contracts", "contract admin action send"),
    _e("contract_viewed", "contracts", "contract admin action view"),
    _e("contract_signed", "contracts", "contract admin action sign, once every client signer has signed"),
    _e("contract_recipient_signed", "contracts", "contract admin action sign, once per signer it signs"),
    _e("contract_countersigned", "contracts", "contract admin action countersign (or sign in "
                                              "auto_counter_sign mode)"),
    _e("contract_completed", "contracts", "contract admin action complete"),
    _e("contract_expired", "contracts", "contract admin action expire"),
    _e("contract_voided", "contracts", "contract admin action void"),
    *_until("1.0.0", _e("questionnaire_sent"), _e("questionnaire_completed")),
    *_since(R2026,
            _e("smart_file_sent", "client-documents", "client-documents admin action publish_version on a draft"),
            _e("smart_file_viewed", "client-documents", "client-documents admin action view"),
            _e("smart_file_accepted", "client-documents", "client-documents admin action accept"),
            _e("smart_file_completed", "client-documents", "client-documents admin action complete"),
            _e("smart_file_expired", "client-documents", "client-documents admin action expire"),
            _e("form_submission_completed", "form-submissions",
               "POST /inquiries, or form-submissions admin action receive (a submission arriving)")),
    _e("subscription_payment_failed"),
    _e("payout_paid", "payouts", "payout admin action mark_paid"),
    _e("payout_failed", "payouts", "payout admin action mark_failed"),
    *_since(R2026,
            _e("event_day_created", "event-days", "POST /event-days"),
            _e("event_day_published", "event-days", "an event day's status becomes published"),
            _e("event_day_archived", "event-days", "an event day's status becomes archived"),
            _e("timeline_item_completed", "timeline-items", "a timeline item's status becomes completed"),
            _e("timeline_reminder_sent")),
)


def events_of(revision: str) -> tuple[str, ...]:
    """The webhook event enum of API revision ``revision``, in its contract's order."""
    return tuple(e.name for e in CATALOGUE if e.in_revision(revision))


EVENT_NAMES: tuple[str, ...] = events_of("1.0.0")  # the first revision's enum
KNOWN_EVENTS: frozenset[str] = frozenset(e.name for e in CATALOGUE)  # any revision's


def event_body(*, event_id: str, event: str, at: datetime, organization_id: str, data: bytes) -> bytes:
    """The delivery body: ``{id, type, timestamp, organizationId, data}`` as compact JSON.

    ``data`` is the record exactly as the API serialises it; it is spliced in unchanged.
    """
    head = json.dumps({"id": event_id, "type": event, "timestamp": format_timestamp(at),
                       "organizationId": organization_id}, separators=(",", ":"))
    return head[:-1].encode() + b',"data":' + data + b"}"
