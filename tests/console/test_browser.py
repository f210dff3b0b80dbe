"""The console in a real headless Chromium: what a person sees and clicks (see conftest.py)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.console.conftest import DEMO_KEY, api

DEMO_ORG = "6f1d2c3b-4a5e-4f60-8a71-9b8c7d6e5f40"
CONSOLE = "/_mockcasa/console"
CLIENT = {"alias": "acme", "name": "Acme"}


def invoice(status: str, due: str = "+10d") -> dict:
    return {"clientId": "acme", "status": status, "issueDate": "-5d", "dueDate": due,
            "lineItems": [{"description": "Design", "quantity": 2, "unitPrice": 150}]}


def test_organizations_then_an_invoice_found_by_its_number(page, console_server, shots):
    page.goto(console_server.url + CONSOLE + "/")
    expect(page.get_by_role("heading", name="Organizations")).to_be_visible()
    expect(page.get_by_role("link", name="Northwind Creative Studio")).to_be_visible()
    page.screenshot(path=shots / "console-organizations.png", full_page=True)
    page.get_by_role("link", name="Northwind Creative Studio").click()
    page.get_by_role("navigation", name="Organization").get_by_role("link", name="Invoices").click()
    expect(page.get_by_role("heading", name="Invoices")).to_be_visible()
    page.get_by_label("Find by name or number").fill("INV-0007")
    page.get_by_label("Find by name or number").press("Enter")
    expect(page.get_by_role("heading", name=re.compile("INV-0007"))).to_be_visible()
    expect(page.get_by_role("table", name="Line items")).to_contain_text("Annual report layout")
    expect(page.locator("pre.json")).to_contain_text('"invoiceNumber": "INV-0007"')
    page.screenshot(path=shots / "console-invoice.png", full_page=True)


def test_a_stripe_payment_makes_the_invoice_read_paid(page, console_server, fresh_org):
    org_id, _ = fresh_org({"clients": [CLIENT], "invoices": [invoice("sent")]})
    page.goto(f"{console_server.url}{CONSOLE}/orgs/{org_id}/invoices/?status=sent")
    page.get_by_role("link", name="INV-0001").click()
    expect(page.locator("[data-status]")).to_have_text("sent")
    page.get_by_role("button", name="record stripe payment").click()
    expect(page.locator("[data-status]")).to_have_text("paid")
    expect(page.locator("[data-balance]")).to_have_text("0.00")
    expect(page.get_by_role("link", name="2026-05-19")).to_be_visible()  # the payment, dated today


def test_thirty_days_on_the_clock_turn_an_invoice_overdue(page, console_server, fresh_org):
    org_id, _ = fresh_org({"clients": [CLIENT], "invoices": [invoice("sent", "+10d")]})
    page.goto(f"{console_server.url}{CONSOLE}/orgs/{org_id}/")
    page.get_by_role("button", name="+30d").click()
    summary = page.locator("#clock-summary")
    expect(summary).to_contain_text("Clock moved from 2026-05-19T10:00:00.000Z to 2026-06-18T10:00:00.000Z")
    expect(summary).to_contain_text("1 invoices turned overdue: INV-0001")
    expect(summary).to_contain_text("invoice_overdue ×1")
    summary.get_by_role("link", name="INV-0001").click()
    expect(page.locator("[data-status]")).to_have_text("overdue")


def test_a_request_appears_in_the_live_journal_with_headers_and_the_key_masked(page, console_server, shots):
    page.goto(f"{console_server.url}{CONSOLE}/journal?organizationId={DEMO_ORG}")
    expect(page.locator("[data-live-state]")).to_have_text("live")
    page.evaluate("window.stillTheSamePage = true")
    created = api(console_server, "POST", "clients", DEMO_KEY, {"name": "Journal Walk-in"},
                  headers={"Idempotency-Key": "journal-test-1", "User-Agent": "partner-sync/2.0"})
    row = page.locator("tr.entry", has_text="/api/v1/clients").filter(has_text="201").first
    expect(row).to_be_visible()
    expect(row).to_contain_text("createClient")
    expect(row).to_contain_text("cc_t…")
    assert page.evaluate("window.stillTheSamePage") is True  # pushed, not reloaded
    row.get_by_role("button").click()
    detail = page.locator("tr.detail")
    expect(detail).to_contain_text("idempotency-key: journal-test-1")
    expect(detail).to_contain_text("user-agent: partner-sync/2.0")
    expect(detail).to_contain_text("x-api-key: cc_t…")
    expect(detail).to_contain_text(created["id"])
    assert DEMO_KEY not in page.content()
    page.screenshot(path=shots / "console-journal.png", full_page=True)


def test_a_delivery_arrives_at_the_built_in_sink_verified(page, console_server, fresh_org, shots):
    org_id, key = fresh_org()
    api(console_server, "POST", "webhooks", key, {"name": "CRM sync", "url": "http://localhost/_mockcasa/sink/crm",
                                                  "events": ["client_created"], "secret": "whsec_console_test"})
    page.goto(f"{console_server.url}{CONSOLE}/orgs/{org_id}/deliveries")
    expect(page.locator("[data-live-state]")).to_have_text("live")
    api(console_server, "POST", "clients", key, {"name": "Delivered Co"})
    expect(page.locator("[data-sink-rows] tr", has_text="client_created")).to_contain_text("verified")
    delivery = page.locator("[data-delivery-rows] tr", has_text="client_created")
    expect(delivery).to_contain_text("succeeded")
    expect(delivery).to_contain_text("signed")
    page.screenshot(path=shots / "console-deliveries.png", full_page=True)


def test_an_html_shaped_name_renders_as_text(page, console_server, fresh_org):
    org_id, key = fresh_org()
    name = "<img src=x onerror=alert(1)>"
    client = api(console_server, "POST", "clients", key, {"name": name})
    page.goto(f"{console_server.url}{CONSOLE}/orgs/{org_id}/clients/")
    expect(page.get_by_role("link", name=name)).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator("img")).to_have_count(0)
    assert page.dialogs == [] and client["name"] == name


def test_a_milestone_links_to_its_client_document(page, console_server, fresh_org):
    org_id, _ = fresh_org({"clients": [CLIENT], "client-documents": [
        {"alias": "doc", "title": "Wedding proposal", "clientId": "acme"}], "milestones": [
        {"title": "Deposit due", "parentType": "client-documents", "parentId": "doc", "date": "2026-08-01"}]},
        api_revision="2026-06-30")
    page.goto(f"{console_server.url}{CONSOLE}/orgs/{org_id}/milestones/")
    page.get_by_role("link", name="Deposit due").click()
    expect(page.get_by_role("heading", name="Deposit due")).to_be_visible()
    page.get_by_role("link", name="Wedding proposal").click()
    expect(page.get_by_role("heading", name="Wedding proposal")).to_be_visible()
    expect(page.get_by_role("link", name="Deposit due")).to_be_visible()  # referenced by the milestone


def test_a_refused_action_shows_its_message_and_changes_nothing(page, console_server, fresh_org):
    org_id, key = fresh_org({"clients": [CLIENT], "invoices": [invoice("draft")]})
    page.goto(f"{console_server.url}{CONSOLE}/orgs/{org_id}/invoices/?status=draft")
    page.get_by_role("link", name="INV-0001").click()
    page.get_by_role("button", name="record stripe payment").click()
    expect(page.get_by_role("alert")).to_contain_text("409 conflict")
    page.reload()
    expect(page.locator("[data-status]")).to_have_text("draft")
    expect(page.get_by_text("No payments yet.")).to_be_visible()
    assert api(console_server, "GET", "payments", key)["data"] == []


def test_without_the_token_every_console_url_shows_only_the_sign_in_page(browser, console_server, fresh_org):
    org_id, _ = fresh_org({"clients": [CLIENT], "invoices": [invoice("sent")]})
    context = browser.new_context()
    page = context.new_page()
    paths = ["/", f"/orgs/{org_id}/", f"/orgs/{org_id}/invoices/", f"/orgs/{org_id}/deliveries", "/journal",
             "/faults", "/seeds/demo.json", f"/orgs/{org_id}/events", "/stream?journal=1", "/no/such/page",
             "/sign-in?ticket=not-the-ticket"]
    for path in paths:
        response = page.goto(console_server.url + CONSOLE + path)
        assert response.status == 401, path
        expect(page.get_by_role("heading", name="Sign in to the console")).to_be_visible()
        expect(page.get_by_role("navigation")).to_have_count(0)
        assert "Console Test Studio" not in page.content() and "INV-0001" not in page.content()
    context.close()


def test_the_printed_link_signs_in_once_with_a_strict_http_only_cookie(browser, console_server):
    from mockcasa.console import sign_in_url

    link = sign_in_url(console_server.app, console_server.url)
    context = browser.new_context()
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="Organizations")).to_be_visible()
    [cookie] = context.cookies()
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/_mockcasa/")
    other = browser.new_context()
    again = other.new_page()
    again.goto(link)
    expect(again.get_by_role("alert")).to_contain_text("has been used already")
    context.close()
    other.close()


def test_pages_fit_a_phone(browser, signed_in_state, console_server):
    context = browser.new_context(storage_state=signed_in_state, viewport={"width": 390, "height": 844})
    page = context.new_page()
    for path in ["/", f"/orgs/{DEMO_ORG}/", f"/orgs/{DEMO_ORG}/invoices/", "/journal"]:
        page.goto(console_server.url + CONSOLE + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()
