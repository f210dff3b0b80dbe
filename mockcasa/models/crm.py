"""Clients, contacts and projects."""

from typing import Annotated, Literal

from pydantic import Field

from mockcasa.models.common import Day, Email, InputModel, Number, Record, Uuid, patch_model

Name200 = Annotated[str, Field(min_length=1, max_length=200)]
ClientStatus = Literal["prospect", "active", "inactive"]
ContactRole = Literal["primary", "billing", "other"]
ProjectStatus = Literal["active", "paused", "completed"]


class Client(Record):
    name: Name200
    status: ClientStatus = "active"
    notes: str | None = None


class ClientCreate(InputModel):
    name: Name200
    status: ClientStatus = "active"
    notes: str = None


ClientUpdate = patch_model(ClientCreate, "ClientUpdate")


class Contact(Record):
    name: str
    email: Email | None = None
    phone: str | None = None
    title: str | None = None
    role: ContactRole = "other"
    is_primary: bool = False
    client_id: Uuid | None = None
    inquiry_id: Uuid | None = None


class ContactCreate(InputModel):
    name: Name200
    email: Email = None
    phone: Annotated[str, Field(max_length=50)] = None
    title: Annotated[str, Field(max_length=200)] = None
    role: ContactRole = "other"
    is_primary: bool = False
    client_id: Uuid = None


ContactUpdate = patch_model(ContactCreate, "ContactUpdate")


class Project(Record):
    name: str
    client_id: Uuid
    status: ProjectStatus = "active"
    pipeline_stage_id: Uuid | None = None
    start_date: Day | None = None
    end_date: Day | None = None
    event_date: Day | None = None
    contract_value: Number | None = None


class ProjectCreate(InputModel):
    name: Name200
    client_id: Uuid
    status: ProjectStatus = "active"
    pipeline_stage_id: Uuid = None
    start_date: Day = None
    end_date: Day = None
    event_date: Day = None
    contract_value: Annotated[Number, Field(ge=0)] = None


ProjectUpdate = patch_model(ProjectCreate, "ProjectUpdate")
