"""What each API revision serves, by resource and operation (with its operationId).

Written from the declarations by ``python -m mockcasa.resources``, never by hand. The routes and
the scopes a key may hold come from this table, so a revision's declarations (its models: ~10 ms
to build for 2026-06-30) are built only once something uses that revision
(``mockcasa.resources.Revisions``). Building a revision checks it against this table, and
``tests/revisions/test_outline.py`` checks every revision, so a stale table fails loudly.
"""

from __future__ import annotations

Outline = dict[str, dict[str, str]]  # resource name -> {operation: operationId}, in the document's order

OUTLINE: dict[str, Outline] = {
    "1.0.0": {
        "clients": {"list": "listClients", "create": "createClient", "get": "getClient",
            "update": "updateClient", "delete": "deleteClient"},
        "contacts": {"list": "listContacts", "create": "createContact", "get": "getContact",
            "update": "updateContact", "delete": "deleteContact"},
        "projects": {"list": "listProjects", "create": "createProject", "get": "getProject",
            "update": "updateProject", "delete": "deleteProject"},
        "invoices": {"list": "listInvoices", "create": "createInvoice", "get": "getInvoice",
            "update": "updateInvoice", "delete": "deleteInvoice"},
        "proposals": {"list": "listProposals", "create": "createProposal", "get": "getProposal",
            "update": "updateProposal", "delete": "deleteProposal"},
        "contracts": {"list": "listContracts", "create": "createContract", "get": "getContract",
            "update": "updateContract", "delete": "deleteContract"},
        "payments": {"list": "listPayments", "create": "createPayment", "get": "getPayment",
            "update": "updatePayment"},
        "payouts": {"list": "listPayouts", "get": "getPayout"},
        "time-entries": {"list": "listTimeEntries", "create": "createTimeEntry",
            "get": "getTimeEntry", "update": "updateTimeEntry", "delete": "deleteTimeEntry"},
        "milestones": {"list": "listMilestones", "create": "createMilestone", "get": "getMilestone",
            "update": "updateMilestone", "delete": "deleteMilestone"},
        "calendar-events": {"list": "listCalendarEvents", "create": "createCalendarEvent",
            "get": "getCalendarEvent", "update": "updateCalendarEvent",
            "delete": "deleteCalendarEvent"},
        "inquiries": {"list": "listInquiries", "create": "createInquiry", "get": "getInquiry",
            "update": "updateInquiry", "delete": "deleteInquiry"},
        "transactions": {"list": "listTransactions", "create": "createTransaction",
            "get": "getTransaction", "update": "updateTransaction", "delete": "deleteTransaction"},
        "catalog-items": {"list": "listCatalogItems", "create": "createCatalogItem",
            "get": "getCatalogItem", "update": "updateCatalogItem", "delete": "deleteCatalogItem"},
        "webhooks": {"list": "listWebhooks", "create": "createWebhook", "get": "getWebhook",
            "update": "updateWebhook", "delete": "deleteWebhook"},
    },
    "2026-06-30": {
        "clients": {"list": "listClients", "create": "createClient", "get": "getClient",
            "update": "updateClient", "delete": "deleteClient"},
        "contacts": {"list": "listContacts", "create": "createContact", "get": "getContact",
            "update": "updateContact", "delete": "deleteContact"},
        "projects": {"list": "listProjects", "create": "createProject", "get": "getProject",
            "update": "updateProject", "delete": "deleteProject"},
        "invoices": {"list": "listInvoices", "create": "createInvoice", "get": "getInvoice",
            "update": "updateInvoice", "delete": "deleteInvoice"},
        "contracts": {"list": "listContracts", "create": "createContract", "get": "getContract",
            "update": "updateContract", "delete": "deleteContract"},
        "payments": {"list": "listPayments", "create": "createPayment", "get": "getPayment",
            "update": "updatePayment"},
        "payouts": {"list": "listPayouts", "get": "getPayout"},
        "time-entries": {"list": "listTimeEntries", "create": "createTimeEntry",
            "get": "getTimeEntry", "update": "updateTimeEntry", "delete": "deleteTimeEntry"},
        "milestones": {"list": "listMilestones", "create": "createMilestone", "get": "getMilestone",
            "update": "updateMilestone", "delete": "deleteMilestone"},
        "calendar-events": {"list": "listCalendarEvents", "create": "createCalendarEvent",
            "get": "getCalendarEvent", "update": "updateCalendarEvent",
            "delete": "deleteCalendarEvent"},
        "inquiries": {"create": "createInquiry"},
        "transactions": {"list": "listTransactions", "create": "createTransaction",
            "get": "getTransaction", "update": "updateTransaction", "delete": "deleteTransaction"},
        "catalog-items": {"list": "listCatalogItems", "create": "createCatalogItem",
            "get": "getCatalogItem", "update": "updateCatalogItem", "delete": "deleteCatalogItem"},
        "webhooks": {"list": "listWebhooks", "create": "createWebhook", "get": "getWebhook",
            "update": "updateWebhook", "delete": "deleteWebhook"},
        "client-documents": {"list": "listClientDocuments", "get": "getClientDocument"},
        "document-versions": {"list": "listDocumentVersions", "get": "getDocumentVersion"},
        "forms": {"list": "listForms", "get": "getForm"},
        "form-submissions": {"list": "listFormSubmissions", "get": "getFormSubmission"},
        "event-days": {"list": "listEventDays", "create": "createEventDay", "get": "getEventDay",
            "update": "updateEventDay", "delete": "deleteEventDay"},
        "timeline-items": {"list": "listTimelineItems", "create": "createTimelineItem",
            "get": "getTimelineItem", "update": "updateTimelineItem",
            "delete": "deleteTimelineItem"},
        "event-day-vendors": {"list": "listEventDayVendors", "create": "createEventDayVendor",
            "get": "getEventDayVendor", "update": "updateEventDayVendor",
            "delete": "deleteEventDayVendor"},
        "vendors": {"list": "listVendors", "create": "createVendor", "get": "getVendor",
            "update": "updateVendor", "delete": "deleteVendor"},
        "venues": {"list": "listVenues", "create": "createVenue", "get": "getVenue",
            "update": "updateVenue", "delete": "deleteVenue"},
    },
}

