"""Projects: always under a client of the same organization."""

from mockcasa.engine.resource import Filter, Ref, Resource
from mockcasa.models.crm import Project, ProjectCreate, ProjectStatus, ProjectUpdate

RESOURCE = Resource(
    name="projects", singular="project",
    created_event="project_created",
    stored_as_created=True,
    model=Project, create_model=ProjectCreate, update_model=ProjectUpdate,
    filters=[Filter.uuid("clientId"), Filter.enum("status", ProjectStatus)],
    refs=[Ref("client_id", "clients")],
)
