"""Generated records of the resources API revision 2026-06-30 adds, read over HTTP, reproducible."""

from tests.support.api import Api

COUNTS = {"clients": 5, "vendors": 6, "venues": 3, "event-days": 4, "timeline-items": 12,
          "event-day-vendors": 5, "forms": 3, "form-submissions": 4, "client-documents": 6,
          "document-versions": 7}
SEED = """
randomSeed: 7
organizations:
  - id: 00000000-0000-4000-8000-0000000026f1
    apiRevision: "2026-06-30"
    clock: {{freezeAt: 2026-07-01T12:00:00Z}}
    apiKeys: [{{key: cc_test_gen26_key}}]
    generate: {{{generate}}}
""".format(generate=", ".join(f"{name}: {n}" for name, n in COUNTS.items()))


async def test_every_2026_resource_generates_reproducibly(admin, http):
    api = Api(http, "cc_test_gen26_key")
    loads = []
    for _ in range(2):
        await admin.post("/reset", params={"empty": "true"})
        reply = await admin.post_yaml("/seeds", SEED)
        assert reply.status == 201, reply
        listed = {name: await api.list_all(name, pageSize=100) for name in COUNTS}
        assert {name: len(records) for name, records in listed.items()} == COUNTS
        loads.append({name: sorted(r["id"] for r in records) for name, records in listed.items()})
    assert loads[0] == loads[1]
    days = {d["id"] for d in listed["event-days"]}
    assert all(i["eventDayId"] in days for i in listed["timeline-items"])
    versions = listed["document-versions"]
    assert sum(v["versionStatus"] == "issued" for v in versions) == len({v["documentId"] for v in versions})


async def test_milestones_generate_under_projects_and_client_documents(admin, http):
    """Milestones may hang under client documents in 2026-06-30; generating them there is no crash."""
    seed = SEED.replace("generate: {", "generate: {projects: 3, milestones: 12, ")
    reply = await admin.post_yaml("/seeds", seed)
    assert reply.status == 201, reply
    milestones = await Api(http, "cc_test_gen26_key").list_all("milestones", pageSize=100)
    assert len(milestones) == 12
    assert {m["parentType"] for m in milestones} <= {"projects", "client-documents"}
