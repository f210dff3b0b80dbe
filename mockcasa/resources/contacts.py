"""Contacts: people, optionally at a client of the same organization."""

from mockcasa.engine.resource import Filter, Ref, Resource
from mockcasa.models.crm import Contact, ContactCreate, ContactRole, ContactUpdate

RESOURCE = Resource(
    name="contacts", singular="contact",
    created_event="contact_created",
    stored_as_created=True,
    model=Contact, create_model=ContactCreate, update_model=ContactUpdate,
    filters=[Filter.uuid("clientId"), Filter.enum("role", ContactRole)],
    refs=[Ref("client_id", "clients")],
)
