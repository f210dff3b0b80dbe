"""The catalogue of webhook events: every name the contract knows, what triggers it, what it carries.

``trigger`` is None for events that exist in the contract but belong to features the public API
does not have (document processing, questionnaires, payment schedules, ...): mockcasa never emits
them, but subscriptions may still list them. docs/webhooks.md renders this table for people.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from mockcasa.clock import format_timestamp


@dataclass(frozen=True)
class EventType:
    name: str
    resource: str | None  # whose record is the payload's ``data``
    trigger: str | None


def _e(name: str, resource: str | None = None, trigger: str | None = None) -> EventType:
    return EventType(name, resource, trigger)


CATALOGUE: tuple[EventType, ...] = (
    _e("proposal_sent", "proposals", "a proposal's status becomes sent (PATCH or admin action)"),
    _e("proposal_expiring"),
    _e("proposal_accepted", "proposals", "admin/dashboard action: the client accepts"),
    _e("proposal_rejected", "proposals", "admin/dashboard action: the client rejects"),
    _e("proposal_expired", "proposals", "the clock moves past a sent proposal's expirationDate"),
    _e("proposal_viewed"),
    _e("invoice_sent", "invoices", "an invoice is created as sent or its status becomes sent"),
    _e("invoice_due_soon"),
    _e("invoice_overdue", "invoices", "the clock moves past an unpaid invoice's dueDate"),
    _e("invoice_paid", "invoices", "a payment brings amountPaid to the total"),
    _e("invoice_payment_failed"),
    _e("invoice_disputed"),
    _e("invoice_payment_reminder"),
    _e("invoice_viewed"),
    _e("payment_received", "payments", "a payment (kind payment) is recorded"),
    _e("payment_refunded", "payments", "a refund is recorded (the payload is the refund)"),
    _e("payment_applied"),
    _e("payment_unapplied"),
    _e("payment_deleted"),
    _e("payment_chargeback", "payments", "admin action: a chargeback on a payment"),
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
    _e("client_created", "clients", "POST /clients"),
    _e("contact_created", "contacts", "POST /contacts"),
    _e("project_created", "projects", "POST /projects"),
    _e("time_entry_created", "time-entries", "POST /time-entries"),
    _e("inquiry_created", "inquiries", "POST /inquiries"),
    _e("inquiry_status_changed", "inquiries", "PATCH changes an inquiry's status"),
    _e("inquiry_converted", "inquiries", "admin/dashboard action: the inquiry is converted"),
    _e("milestone_approaching"),
    _e("timer_running_reminder"),
    _e("contract_sent", "contracts", "admin/dashboard action: the contract is sent for signing"),
    _e("contract_viewed", "contracts", "admin/dashboard action: the client opens it"),
    _e("contract_signed", "contracts", "admin/dashboard action: every client signer has signed"),
    _e("contract_recipient_signed", "contracts", "admin/dashboard action: one signer signs"),
    _e("contract_countersigned", "contracts", "admin/dashboard action: the business countersigns"),
    _e("contract_completed", "contracts", "admin/dashboard action: the contract is completed"),
    _e("contract_expired", "contracts", "admin/dashboard action: the contract expires"),
    _e("contract_voided", "contracts", "admin/dashboard action: the contract is voided"),
    _e("questionnaire_sent"),
    _e("questionnaire_completed"),
    _e("subscription_payment_failed"),
    _e("payout_paid", "payouts", "admin action: a payout is paid"),
    _e("payout_failed", "payouts", "admin action: a payout fails"),
)

EVENT_NAMES: tuple[str, ...] = tuple(e.name for e in CATALOGUE)


def event_body(*, event_id: str, event: str, at: datetime, organization_id: str, data: bytes) -> bytes:
    """The delivery body: ``{id, type, timestamp, organizationId, data}`` as compact JSON.

    ``data`` is the record exactly as the API serialises it; it is spliced in unchanged.
    """
    head = json.dumps({"id": event_id, "type": event, "timestamp": format_timestamp(at),
                       "organizationId": organization_id}, separators=(",", ":"))
    return head[:-1].encode() + b',"data":' + data + b"}"
