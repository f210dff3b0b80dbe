"""Every response of clients, contacts and projects matches the published contract's schemas."""


async def test_crm_responses_match_the_contract(api, conforms):
    client = await api.post("clients", {"name": "Acme", "notes": "n"})
    conforms(client, "createClient")
    cid = client.body["id"]
    conforms(await api.get(f"clients/{cid}"), "getClient")
    conforms(await api.get("clients"), "listClients")
    conforms(await api.patch(f"clients/{cid}", {"status": "inactive"}), "updateClient")
    contact = await api.post("contacts", {"name": "Ada", "email": "a@b.co", "clientId": cid, "phone": "1"})
    conforms(contact, "createContact")
    conforms(await api.get("contacts", params={"clientId": cid}), "listContacts")
    conforms(await api.get(f"contacts/{contact.body['id']}"), "getContact")
    conforms(await api.patch(f"contacts/{contact.body['id']}", {"role": "billing"}), "updateContact")
    project = await api.post("projects", {"name": "P", "clientId": cid, "eventDate": "2026-06-01"})
    conforms(project, "createProject")
    conforms(await api.get(f"projects/{project.body['id']}"), "getProject")
    conforms(await api.get("projects"), "listProjects")
    conforms(await api.patch(f"projects/{project.body['id']}", {"contractValue": 10.5}), "updateProject")
    for resource, op in (("contacts", "deleteContact"), ("projects", "deleteProject")):
        item = (await api.get(resource)).body["data"][0]
        conforms(await api.delete(f"{resource}/{item['id']}"), op)
    conforms(await api.delete(f"clients/{cid}"), "deleteClient")
    conforms(await api.post("clients", {}), "createClient")
    conforms(await api.get(f"clients/{cid}"), "getClient")
    conforms(await api.get("clients", params={"page": 0}), "listClients")
