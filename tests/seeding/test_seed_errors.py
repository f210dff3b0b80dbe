"""Bad seed files: every kind of problem is reported with file, line, path and reason; nothing loads."""

import pytest

from mockcasa import create_app
from mockcasa.cli import main
from mockcasa.config import Settings
from mockcasa.seeding import SeedError

GOOD = """\
organizations:
  - name: Fine
    apiKeys: [{key: cc_test_fine_key}]
    records:
      clients: [{alias: a, name: A}]
"""

# (file text, line, path, reason fragment)
CASES = {
    "yaml syntax": ("organizations:\n  - name: [unclosed\n", 3, "(document)", "not valid YAML"),
    "duplicate key": ("organizations:\n  - name: A\n    name: B\n", 3, "organizations[0].name", "duplicate key"),
    "unknown option": ("organizations:\n  - nam: A\n", 2, "organizations[0].nam", "is not a known field"),
    "wrong type": ("organizations:\n  - taxRate: lots\n", 2, "organizations[0].taxRate", "valid number"),
    "out of range": ("organizations:\n  - taxRate: 2\n", 2, "organizations[0].taxRate", "less than or equal to 1"),
    "bad clock": ("organizations:\n  - clock: {}\n", 2, "organizations[0].clock", "exactly one of freezeAt"),
    "not a list": ("organizations: {name: A}\n", 1, "organizations", "valid list"),
    "org id not a uuid": ("organizations:\n  - id: org-1\n", 2, "organizations[0].id", "must be a UUID"),
    "org id twice": (("organizations:\n  - id: 00000000-0000-4000-8000-000000000001\n"
                     "  - id: 00000000-0000-4000-8000-000000000001\n"), 3, "organizations[1].id", "already exists"),
    "key twice": (("organizations:\n  - apiKeys: [{key: cc_test_same_key}]\n"
                  "  - apiKeys: [{key: cc_test_same_key}]\n"), 3, "organizations[1].apiKeys[0].key", "already in use"),
    "short key": ("organizations:\n  - apiKeys: [{key: abc}]\n", 2, "organizations[0].apiKeys[0].key",
                  "at least 8 characters"),
    "unknown scope": ("organizations:\n  - apiKeys:\n      - key: cc_test_scope_key\n        scopes: [clients:fly]\n",
                      4, "organizations[0].apiKeys[0].scopes", "unknown scopes: clients:fly"),
    "unknown resource": ("organizations:\n  - records:\n      widgets: []\n", 3, "organizations[0].records.widgets",
                         "unknown resource"),
    "record not a mapping": ("organizations:\n  - records:\n      clients: [Acme]\n", 3,
                             "organizations[0].records.clients[0]", "must be a mapping"),
    "unknown field": ("organizations:\n  - records:\n      clients:\n        - name: A\n          colour: red\n",
                      5, "organizations[0].records.clients[0].colour", "is not a field of Client"),
    "missing field": ("organizations:\n  - records:\n      clients:\n        - status: active\n", 4,
                      "organizations[0].records.clients[0].name", "is required"),
    "bad enum": ("organizations:\n  - records:\n      clients:\n        - {name: A, status: gone}\n", 4,
                 "organizations[0].records.clients[0].status", "'prospect', 'active' or 'inactive'"),
    "unknown alias": (("organizations:\n  - records:\n      clients: [{alias: acme, name: A}]\n"
                      "      projects:\n        - name: P\n          clientId: acme2\n"), 6,
                      "organizations[0].records.projects[0].clientId", "no record or member has the alias 'acme2'"),
    "alias of the wrong kind": (("organizations:\n  - records:\n      clients: [{alias: c, name: A}]\n"
                                "      contacts: [{alias: ada, name: Ada}]\n"
                                "      projects: [{name: P, clientId: ada}]\n"), 5,
                                "organizations[0].records.projects[0].clientId", "names one of contacts"),
    "alias twice": (("organizations:\n  - records:\n      clients:\n        - {alias: a, name: A}\n"
                    "        - {alias: a, name: B}\n"), 5, "organizations[0].records.clients[1].alias",
                    "already used"),
    "alias shaped like a uuid": (("organizations:\n  - records:\n      clients:\n"
                                 "        - {alias: 00000000-0000-4000-8000-000000000009, name: A}\n"), 4,
                                 "organizations[0].records.clients[0].alias", "must not look like a UUID"),
    "bad relative date": (("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n"
                          "      projects:\n        - {name: P, clientId: a, startDate: -3x}\n"), 5,
                          "organizations[0].records.projects[0].startDate", "invalid duration"),
    "bad chained offset": (("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n"
                            "      projects:\n        - {name: P, clientId: a, startDate: today+1d+soon}\n"), 5,
                           "organizations[0].records.projects[0].startDate", "invalid duration '+soon'"),
    "bad date": (("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n"
                 "      projects:\n        - {name: P, clientId: a, startDate: 2026-02-30}\n"), 5,
                 "organizations[0].records.projects[0].startDate", "day value is outside expected range"),
    "dangling id": (("organizations:\n  - records:\n      projects:\n"
                    "        - {name: P, clientId: 00000000-0000-4000-8000-00000000dead}\n"), 4,
                    "organizations[0].records.projects[0].clientId", "no client with id"),
    "id not a uuid": ("organizations:\n  - records:\n      clients: [{id: c1, name: A}]\n", 3,
                      "organizations[0].records.clients[0].id", "must be a UUID"),
    "id twice": (("organizations:\n  - records:\n      clients:\n"
                 "        - {id: 00000000-0000-4000-8000-00000000000c, name: A}\n"
                 "        - {id: 00000000-0000-4000-8000-00000000000c, name: B}\n"), 5,
                 "organizations[0].records.clients[1].id", "already has id"),
    "generate unknown resource": ("organizations:\n  - generate: {widgets: 3}\n", 2,
                                  "organizations[0].generate.widgets", "unknown resource"),
    "generate negative": ("organizations:\n  - generate: {clients: -1}\n", 2, "organizations[0].generate.clients",
                          "greater than or equal to 0"),
    "generate without parents": ("organizations:\n  - generate: {projects: 3}\n", 2,
                                 "organizations[0].generate.projects", "needs clients"),
    # Records of the other resources: their on_seed rules, located to the field's own line.
    "converted inquiry without its client": (
        ("organizations:\n  - records:\n      inquiries:\n        - name: Ada\n          email: ada@x.example\n"
        "          status: converted\n"), 4, "organizations[0].records.inquiries[0].convertedClientId",
        "is required when status is converted"),
    "time entry by a stranger": (
        ("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n      projects: [{alias: p, name: P, "
        "clientId: a}]\n      time-entries:\n        - projectId: p\n          date: today\n          hours: 2\n"
        "          memberId: 00000000-0000-4000-8000-00000000dead\n"), 9,
        "organizations[0].records.time-entries[0].memberId", "no member with id"),
    "custom rate without override": (
        ("organizations:\n  - members: [{alias: m, name: M}]\n    records:\n      clients: [{alias: a, name: A}]\n"
        "      projects: [{alias: p, name: P, clientId: a}]\n      time-entries:\n"
        "        - {projectId: p, memberId: m, date: today, hours: 1,\n           rateType: custom}\n"), 7,
        "organizations[0].records.time-entries[0].rateOverride", "is required when rateType is custom"),
    "calendar source unknown": (
        ("organizations:\n  - records:\n      calendar-events:\n        - title: Call\n          source: yahoo\n"
        "          startDateTime: now\n          endDateTime: now+1h\n"), 5,
        "organizations[0].records.calendar-events[0].source", "must be one of: manual, google"),
    "event ends before it starts": (
        ("organizations:\n  - records:\n      calendar-events:\n        - title: Call\n          startDateTime: now\n"
        "          endDateTime: -1h\n"), 6, "organizations[0].records.calendar-events[0].endDateTime",
        "must not be before startDateTime"),
    "payout entry paid by check": (
        ("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n      payouts: [{alias: po}]\n"
        "      payments:\n        - {clientId: a, amount: 5, method: check, receivedDate: -1d,\n"
        "           payoutId: po}\n"), 7, "organizations[0].records.payments[0].payoutId",
        "only succeeded Stripe entries are paid out"),
    "refund dated before its payment": (
        ("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n      payments:\n"
        "        - {alias: p, clientId: a, amount: 50, method: check, receivedDate: -3d}\n"
        "        - {clientId: a, amount: -50, method: check, kind: refund, refundOfId: p,\n"
        "           receivedDate: -4d}\n"), 7, "organizations[0].records.payments[1].receivedDate",
        "is before the receivedDate of the payment it reverses"),
    "assignment to an unknown project": (
        ("organizations:\n  - records:\n      transactions:\n        - name: Prints\n          amount: 10\n"
        "          direction: cost\n          assignments:\n"
        "            - {projectId: 00000000-0000-4000-8000-00000000dead}\n"), 8,
        "organizations[0].records.transactions[0].assignments[0].projectId", "no project with id"),
    "milestone on an unknown proposal": (
        ("organizations:\n  - records:\n      milestones:\n        - title: Kickoff\n          date: today\n"
        "          parentType: proposals\n          parentId: 00000000-0000-4000-8000-00000000dead\n"), 7,
        "organizations[0].records.milestones[0].parentId", "no proposal with id"),
    "billed to an unknown invoice": (
        ("organizations:\n  - records:\n      transactions:\n        - name: Prints\n          amount: 10\n"
        "          direction: cost\n          invoiceId: inv-9\n"), 7,
        "organizations[0].records.transactions[0].invoiceId", "no record or member has the alias 'inv-9'"),
    "invoice line without a price": (
        ("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n      invoices:\n"
        "        - clientId: a\n          lineItems:\n            - {description: Design, quantity: 2,\n"
        "               unitPrice: lots}\n"), 8, "organizations[0].records.invoices[0].lineItems[0].unitPrice",
        "valid number"),
    "contract signer with a bad email": (
        ("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n      contracts:\n"
        "        - title: Agreement\n          clientId: a\n          status: sent\n          signers:\n"
        "            - {name: Ada, email: not-an-email}\n"), 9,
        "organizations[0].records.contracts[0].signers[0].email", "must be an email address"),
    "proposal status unknown": (
        ("organizations:\n  - records:\n      clients: [{alias: a, name: A}]\n      proposals:\n"
        "        - {title: Offer, clientId: a, status: signed}\n"), 5, "organizations[0].records.proposals[0].status",
        "Input should be 'draft', 'sent'"),
    "member id twice": (("organizations:\n  - members:\n      - {id: 00000000-0000-4000-8000-0000000000aa, name: A}\n"
                        "      - {id: 00000000-0000-4000-8000-0000000000aa, name: B}\n"), 4,
                        "organizations[0].members[1].id", "another member"),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_bad_seed_is_refused_with_its_location_and_nothing_loads(case, admin, tmp_path, capsys):
    text, line, path, reason = CASES[case]
    file = tmp_path / "bad.yaml"
    file.write_text(GOOD + text.replace("organizations:\n", "", 1) if text.startswith("organizations:\n  -")
                    else text)
    with pytest.raises(SeedError) as raised:
        create_app(Settings(seeds=[file]))
    problem = next((p for p in raised.value.problems if p.path.endswith(path.split("organizations[", 1)[-1])),
                   raised.value.problems[0])
    assert reason in problem.reason, raised.value
    assert problem.source == str(file)

    # The admin API refuses the same document and leaves the sandbox as it was.
    reply = await admin.post_yaml("/seeds", text)
    assert reply.status == 400 and reply.error["code"] == "invalid_request", reply
    assert reply.error["details"][path].startswith(reason) or reason in reply.error["details"][path]
    assert reply.error["details"][path].endswith(f"(line {line})")
    assert (await admin.get("/organizations")).body["organizations"] == []

    # And `mockcasa validate` prints file:line: path: reason and exits non-zero.
    single = tmp_path / "single.yaml"
    single.write_text(text)
    assert main(["validate", str(single)]) == 1
    err = capsys.readouterr().err
    assert f"{single}:{line}: {path}: " in err and reason in err


async def test_a_good_file_loaded_with_a_bad_one_does_not_load_either(tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(GOOD)
    bad.write_text("organizations:\n  - apiKeys: [{key: cc_test_fine_key}]\n")  # clashes with the good file
    with pytest.raises(SeedError) as raised:
        create_app(Settings(seeds=[good, bad]))
    assert str(raised.value) == f"{bad}:2: organizations[0].apiKeys[0].key: this API key is already in use"


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    file = tmp_path / "bad.yaml"
    file.write_text("organizations:\n  - records:\n      clients:\n        - {name: A, status: gone}\n"
                    "        - {colour: red}\n")
    with pytest.raises(SeedError) as raised:
        create_app(Settings(seeds=[file]))
    assert [(p.line, p.path) for p in raised.value.problems] == [
        (4, "organizations[0].records.clients[0].status"), (5, "organizations[0].records.clients[1].colour")]


def test_unreadable_and_missing_files(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert main(["validate", str(missing)]) == 1
    assert f"{missing}: (document): cannot read file: No such file or directory" in capsys.readouterr().err
    with pytest.raises(SeedError):
        create_app(Settings(seeds=[missing]))


def test_serve_refuses_to_start_on_a_bad_seed(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("organizations: [{taxRate: lots}]\n")
    assert main(["serve", "--seed", str(bad), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "refusing to start, nothing was loaded" in err and f"{bad}:1: organizations[0].taxRate" in err


def test_validate_accepts_good_files_and_says_what_they_are(tmp_path, capsys):
    seed, scenario = tmp_path / "seed.yaml", tmp_path / "scenario.yaml"
    seed.write_text(GOOD)
    scenario.write_text("rules: [{action: {status: 503}}]\n")
    assert main(["validate", str(seed), str(scenario)]) == 0
    out = capsys.readouterr().out
    assert f"{seed}: ok (seed)" in out and f"{scenario}: ok (scenario)" in out


EVERYTHING_WRONG = """\
organizations:
  - name: Lumen
    clock: {freezeAt: 2026-13-45}
    taxRate: 3
    apiKeys: [{key: short}, {key: cc_test_lumen_key, scopes: [clients:fly]}]
    records:
      clients: [{alias: acme, name: Acme, colour: red}]
      projects: [{alias: site, name: Website, clientId: acme, startDate: yesterday}]
      invoices: [{alias: inv-1, clientId: acme, status: sent, issueDate: -20d,
                  lineItems: [{description: Design, quantity: 10, unitPrice: 120}]}]
  - name: Second
    currency: dollars
    records:
      clients: [{name: Fine}]
      projects: [{name: Orphan, clientId: nobody}]
"""


def test_validate_reports_every_independent_problem_in_one_run(tmp_path, capsys):
    """A bad clock no longer hides the rest: each organization, field and record is checked."""
    seed = tmp_path / "seed.yaml"
    seed.write_text(EVERYTHING_WRONG)
    assert main(["validate", str(seed)]) == 1
    lines = [line.removeprefix(f"{seed}:") for line in capsys.readouterr().err.splitlines()]
    assert [line.split(": ")[0:2] for line in lines] == [
        ["3", "organizations[0].clock.freezeAt"],
        ["4", "organizations[0].taxRate"],
        ["5", "organizations[0].apiKeys[0].key"],
        ["5", "organizations[0].apiKeys[1].scopes"],  # the file's index, though apiKeys[0] was left out
        ["7", "organizations[0].records.clients[0].colour"],
        ["8", "organizations[0].records.projects[0].startDate"],
        ["9", "organizations[0].records.invoices[0].clientId"],
        ["12", "organizations[1].currency"],
        ["15", "organizations[1].records.projects[0].clientId"],
    ]
    assert "month value is outside expected range" in lines[0]
    assert ("'yesterday' is not a date this seed understands: use an ISO 8601 date or instant (2026-05-19, "
            "2026-05-19T10:00:00Z), now, today, or an offset") in lines[5]
    assert lines[6].endswith("no client 'acme' in this organization (that record was not loaded: see its own problem)")
    assert "no record or member has the alias 'nobody'" in lines[8]
