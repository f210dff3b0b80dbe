"""Clients: plain CRUD. Deleting a client still referenced by other records is refused (409)."""

from mockcasa.engine.resource import Filter, Resource
from mockcasa.models.crm import Client, ClientCreate, ClientStatus, ClientUpdate

RESOURCE = Resource(
    name="clients", singular="client",
    created_event="client_created",
    model=Client, create_model=ClientCreate, update_model=ClientUpdate,
    filters=[Filter.enum("status", ClientStatus)],
)
