"""API revision 2026-06-30: what production serves since the SDK's 0.4 to 0.6.3 releases, as changes to 1.0.0.

Read it as the changelog. Shapes are in ``mockcasa.models.v2026_06_30``; rules live in each
resource's own module (a rule both revisions share is written once there). What is not listed
here (projects, payments, payouts, time entries, calendar events, transactions) is 1.0.0's
declaration, unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from mockcasa.engine.resource import Filter, Ref, Resource
from mockcasa.models import v2026_06_30 as shapes
from mockcasa.resources import (
    Revision,
    catalog_items,
    client_documents,
    clients,
    contacts,
    contracts,
    document_versions,
    event_day_vendors,
    event_days,
    form_submissions,
    forms,
    invoices,
    milestones,
    timeline_items,
    vendors,
    venues,
    webhooks,
)
from mockcasa.resources.catalog_items import bundle_rules
from mockcasa.resources.form_submissions import submit

CLIENTS = replace(
    clients.RESOURCE, model=shapes.Client, create_model=shapes.ClientCreate, update_model=shapes.ClientUpdate,
    filters=[Filter.enum("status", shapes.ClientStatus)],
    on_create=clients.on_create_lead, on_update=clients.on_update_lead,
    after_create=clients.after_create_lead, after_update=clients.after_update_lead,
    stored_as_created=False)  # lead settings (nested) and an on_create hook

CONTACTS = replace(contacts.RESOURCE, model=shapes.Contact)

INVOICES = replace(
    invoices.RESOURCE, model=shapes.Invoice, update_model=shapes.InvoiceUpdate,
    filters=[Filter.uuid("clientId"),
             replace(Filter.enum("status", shapes.InvoiceStatus), derived=True),
             Filter("overdue", "overdue", Filter.boolean("overdue").parse, derived=True, schema={
                 "type": "string", "enum": ["true", "false"],
                 "description": "Filter by the derived overdue condition. `true` → open (`sent`) invoices past "
                                "their due date with a balance owing; `false` → everything else."}),
             Filter.uuid("supersedesInvoice")],
    refs=[*invoices.RESOURCE.refs, Ref("supersedes_invoice", "invoices")],
    on_seed=invoices.on_seed_revised, after_create=invoices.after_create_revised,
    after_update=invoices.after_update_revised,
    actions={**invoices.RESOURCE.actions, "view": invoices.view_revised, "write_off": invoices.write_off,
             "reissue": invoices.reissue},
    descriptions={"create": "Status is system-derived: `paid` comes from Payments and there is no `partial` "
                            "(partial-ness is numeric via amountPaid/balanceDue). `overdue` is not a status — it "
                            "is a derived read-only boolean (past due with a balance owing)."})

MILESTONES = replace(
    milestones.RESOURCE, model=shapes.Milestone, create_model=shapes.MilestoneCreate,
    update_model=shapes.MilestoneUpdate,
    filters=[Filter.enum("parentType", shapes.MilestoneParent), Filter.uuid("parentId"),
             *milestones.RESOURCE.filters[2:]],
    refs=[Ref("catalog_item_id", "catalog-items"), Ref("parent_project_id", "projects"),
          Ref("parent_document_id", "client-documents")],
    descriptions={"create": "Milestones attach to either a project or a form/agreement — `parentType` + "
                            "`parentId` are both required."})

CONTRACTS = replace(
    contracts.RESOURCE, model=shapes.Contract, create_model=shapes.ContractCreate,
    refs=[ref for ref in contracts.RESOURCE.refs if ref.target != "proposals"],
    actions={name: contracts.versioned(action) for name, action in contracts.RESOURCE.actions.items()})

CATALOG_ITEMS = replace(
    catalog_items.RESOURCE, model=shapes.CatalogItem,
    filters=[*catalog_items.RESOURCE.filters[:2], Filter.enum("composition", shapes.Composition),
             *catalog_items.RESOURCE.filters[2:]],
    on_seed=bundle_rules)

# Only POST stays: submitting the inquiry form. The lead pipeline moved onto clients.
INQUIRIES = Resource(
    name="inquiries", singular="inquiry", model=shapes.Inquiry, create_model=shapes.InquiryCreate,
    operations=("create",), operation_names={"plural": "Inquiries"}, on_create=submit)

WEBHOOKS = replace(
    webhooks.RESOURCE, model=shapes.Webhook, create_model=shapes.WebhookCreate, update_model=shapes.WebhookUpdate,
    filters=[Filter.boolean("enabled"), Filter.enum("event", shapes.WebhookEvent, field="events")])

REVISION = Revision(
    name="2026-06-30",
    removes=("proposals",),
    replaces=(CLIENTS, CONTACTS, INVOICES, MILESTONES, CONTRACTS, CATALOG_ITEMS, INQUIRIES, WEBHOOKS),
    adds=(client_documents.RESOURCE, document_versions.RESOURCE, forms.RESOURCE, form_submissions.RESOURCE,
          event_days.RESOURCE, timeline_items.RESOURCE, event_day_vendors.RESOURCE, vendors.RESOURCE,
          venues.RESOURCE),
    error_codes=("gone",),
)
