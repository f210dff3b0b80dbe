"""Every response of the time, milestone, calendar, inquiry, transaction and catalog operations matches
the published contract: successes with records in full (nulls and values), and their error replies."""

import pytest

from tests.support.work import UNKNOWN, Invoices, ctx_of, make_project, member_id, run_action, seed


@pytest.fixture
def error_conforms(contract):
    """For refusals the contract does not list on an operation (a 409 on PATCH): the ApiError envelope."""
    from jsonschema import Draft202012Validator
    schema = {**contract["components"]["schemas"]["ApiError"]}
    validator = Draft202012Validator(schema)

    def check(reply, status: int) -> None:
        assert reply.status == status, reply
        assert not list(validator.iter_errors(reply.body)), reply.body
        assert reply.body["error"]["requestId"] == reply.headers["X-Request-Id"]
    return check


async def exercise(api, conforms, resource: str, name: str, plural: str, body: dict, patch: dict,
                   bad_body: dict, filters: dict) -> dict:
    """create, get, list (plain and filtered), update and the refusals every operation declares."""
    created = await api.post(resource, body)
    conforms(created, f"create{name}")
    path = f"{resource}/{created.body['id']}"
    conforms(await api.get(path), f"get{name}")
    conforms(await api.get(resource), f"list{plural}")
    filtered = await api.get(resource, params=filters)
    conforms(filtered, f"list{plural}")
    assert filtered.body["pagination"]["total"] >= 1, (filters, filtered)
    conforms(await api.patch(path, patch), f"update{name}")
    conforms(await api.post(resource, bad_body), f"create{name}")
    conforms(await api.patch(path, {"id": UNKNOWN}), f"update{name}")
    conforms(await api.get(resource, params={"pageSize": 0}), f"list{plural}")
    conforms(await api.get(resource, params={next(iter(filters)): "!"}), f"list{plural}")
    conforms(await api.get(f"{resource}/{UNKNOWN}"), f"get{name}")
    conforms(await api.patch(f"{resource}/{UNKNOWN}", patch), f"update{name}")
    conforms(await api.delete(f"{resource}/{UNKNOWN}"), f"delete{name}")
    return created.body


async def test_time_entries_conform(api, sandbox, conforms, error_conforms):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge", defaultRate=90)
    entry = await exercise(
        api, conforms, "time-entries", "TimeEntry", "TimeEntries",
        {"projectId": project["id"], "memberId": member_id(api), "catalogItemId": item["id"], "date": "2026-05-19",
         "hours": 1.5, "description": "Layout", "rateType": "custom", "customMultiplierName": "Night",
         "rateOverride": 120, "workerName": "Sam", "billable": False},
        {"hours": 2}, {"hours": 0},
        {"projectId": project["id"], "clientId": project["clientId"], "memberId": member_id(api),
         "dateFrom": "2026-05-19", "dateTo": "2026-05-19", "billable": "false"})
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], "paid")
    run_action(api, sandbox, "time-entries", "bill", entry["id"], {"invoiceId": invoice_id})
    error_conforms(await api.patch(f"time-entries/{entry['id']}", {"hours": 3}), 409)
    error_conforms(await api.delete(f"time-entries/{entry['id']}"), 409)
    bare = await api.post("time-entries", {"projectId": project["id"], "memberId": member_id(api),
                                           "date": "2026-05-20", "hours": 1})
    conforms(bare, "createTimeEntry")
    conforms(await api.delete(f"time-entries/{bare.body['id']}"), "deleteTimeEntry")


async def test_milestones_conform(api, conforms):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Design", type="charge")
    milestone = await exercise(
        api, conforms, "milestones", "Milestone", "Milestones",
        {"parentType": "projects", "parentId": project["id"], "title": "Launch", "description": "Go live",
         "date": "2026-06-01", "time": "09:30", "status": "completed", "assigneeId": member_id(api),
         "catalogItemId": item["id"], "sortOrder": 3},
        {"status": "pending"}, {"title": ""},
        {"parentType": "projects", "parentId": project["id"], "status": "completed"})
    conforms(await api.patch(f"milestones/{milestone['id']}", {"date": None, "time": None}), "updateMilestone")
    conforms(await api.delete(f"milestones/{milestone['id']}"), "deleteMilestone")


async def test_calendar_events_conform(api, sandbox, conforms, error_conforms):
    from mockcasa.resources.calendar_events import sync_event
    project = await make_project(api)
    event = await exercise(
        api, conforms, "calendar-events", "CalendarEvent", "CalendarEvents",
        {"title": "Shoot", "description": "Studio", "startDateTime": "2026-05-20T09:00:00.000Z",
         "endDateTime": "2026-05-20T10:00:00.000Z", "allDay": False, "projectId": project["id"],
         "clientId": project["clientId"], "actionable": True, "recurring": True, "rrule": "FREQ=WEEKLY",
         "recurrenceEnd": "2026-08-20T10:00:00.000Z"},
        {"completedAt": "2026-05-20T10:00:00.000Z"}, {"title": "x", "startDateTime": "2026-05-20T09:00:00.000Z",
                                                      "endDateTime": "2026-05-20T08:00:00.000Z"},
        {"projectId": project["id"], "clientId": project["clientId"],
         "startsAfter": "2026-05-20T00:00:00.000Z", "startsBefore": "2026-05-21T00:00:00.000Z"})
    conforms(await api.delete(f"calendar-events/{event['id']}"), "deleteCalendarEvent")
    synced = sync_event(ctx_of(api, sandbox), "google", {"title": "Dentist", "startDateTime": "2026-05-20T09:00:00Z",
                                                         "endDateTime": "2026-05-20T09:30:00Z"})
    conforms(await api.get(f"calendar-events/{synced.id}"), "getCalendarEvent")
    error_conforms(await api.patch(f"calendar-events/{synced.id}", {"title": "x"}), 409)
    error_conforms(await api.delete(f"calendar-events/{synced.id}"), 409)


async def test_inquiries_conform(api, sandbox, conforms, error_conforms):
    contact = await api.create("contacts", name="Ada")
    inquiry = await exercise(
        api, conforms, "inquiries", "Inquiry", "Inquiries",
        {"name": "Ada", "email": "ada@example.com", "phone": "555", "preferredDate": "2026-09-12",
         "message": "Hello", "source": "referral", "customAnswers": {"guests": 80}, "contactId": contact["id"],
         "notes": "Warm"},
        {"status": "contacted", "lastContactedAt": "2026-05-19T10:00:00.000Z",
         "nextFollowUpAt": "2026-05-26T10:00:00.000Z"},
        {"name": "Ada", "email": "ada@example.com", "status": "new"},
        {"status": "new", "source": "referral"})
    run_action(api, sandbox, "inquiries", "convert", inquiry["id"])
    conforms(await api.get(f"inquiries/{inquiry['id']}"), "getInquiry")
    conforms(await api.get("inquiries", params={"status": "converted"}), "listInquiries")
    error_conforms(await api.patch(f"inquiries/{inquiry['id']}", {"status": "new"}), 409)
    conforms(await api.patch(f"inquiries/{inquiry['id']}", {"status": "converted"}), "updateInquiry")
    record = seed(api, sandbox, "inquiries", name="Bo", email="bo@example.com", inquirySlug="wedding",
                  source="inquiry_form")
    conforms(await api.get(f"inquiries/{record.id}"), "getInquiry")
    conforms(await api.delete(f"inquiries/{record.id}"), "deleteInquiry")


async def test_transactions_conform(api, sandbox, conforms, error_conforms):
    project = await make_project(api)
    item = await api.create("catalog-items", name="Print", type="expense")
    transaction = await exercise(
        api, conforms, "transactions", "Transaction", "Transactions",
        {"name": "Prints", "catalogItemId": item["id"], "taxCategoryId": UNKNOWN, "amount": 99.99,
         "frequency": "monthly", "direction": "cost", "mode": "split", "splitEvenly": True,
         "assignments": [{"projectId": project["id"], "clientId": project["clientId"], "amount": 50,
                          "percentage": 50, "fixedAmount": 10, "startDate": "2026-05-01", "endDate": "2026-06-01"}],
         "passThrough": True, "markupPercent": 10, "startDate": "2026-05-01", "endDate": "2026-12-31",
         "notes": "Lab", "vendorName": "Lab Inc", "vendorEmail": "lab@example.com", "vendorTaxId": "12-345"},
        {"status": "paused"}, {"name": "x", "amount": 1, "direction": "cost", "assignments": [{"projectId": UNKNOWN}]},
        {"direction": "cost", "status": "active", "frequency": "monthly"})
    invoice_id = await Invoices(api, sandbox).make(project["clientId"], "sent")
    run_action(api, sandbox, "transactions", "bill", transaction["id"], {"invoiceId": invoice_id})
    error_conforms(await api.patch(f"transactions/{transaction['id']}", {"notes": "x"}), 409)
    error_conforms(await api.delete(f"transactions/{transaction['id']}"), 409)
    plain = await api.post("transactions", {"name": "Rent", "amount": 1000, "direction": "cost"})
    conforms(plain, "createTransaction")
    conforms(await api.delete(f"transactions/{plain.body['id']}"), "deleteTransaction")


async def test_catalog_items_conform(api, conforms, error_conforms):
    client = await api.create("clients", name="Acme")
    item = await exercise(
        api, conforms, "catalog-items", "CatalogItem", "CatalogItems",
        {"name": "Design", "invoiceLabel": "Design work", "description": "d", "invoiceDescription": "i",
         "defaultRate": 85, "unit": "hour", "defaultFrequency": "monthly", "type": "charge", "pricingMode": "hourly",
         "taxCategoryId": UNKNOWN, "status": "active", "clientId": client["id"]},
        {"pricingMode": "bom"}, {"name": "x"}, {"type": "charge", "status": "active", "clientId": client["id"]})
    await api.create("transactions", name="x", amount=1, direction="cost", catalogItemId=item["id"])
    error_conforms(await api.delete(f"catalog-items/{item['id']}"), 409)
    plain = await api.post("catalog-items", {"name": "Misc", "type": "expense"})
    conforms(plain, "createCatalogItem")
    conforms(await api.delete(f"catalog-items/{plain.body['id']}"), "deleteCatalogItem")


async def test_served_openapi_covers_these_operations(api, contract):
    served = (await api.get("/api/v1/openapi.json")).body
    ours = {op["operationId"] for path in served["paths"].values() for op in path.values()}
    wanted = {op["operationId"] for path, ops in contract["paths"].items()
              if any(s in path for s in ("time-entries", "milestones", "calendar-events", "inquiries",
                                         "transactions", "catalog-items"))
              for op in ops.values() if isinstance(op, dict) and "operationId" in op}
    assert len(wanted) == 30 and wanted <= ours
