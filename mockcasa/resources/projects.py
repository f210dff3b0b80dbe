"""Projects: always under a client of the same organization."""

from mockcasa.engine.resource import Filter, Ref, Resource
from mockcasa.models.crm import Project, ProjectCreate, ProjectStatus, ProjectUpdate
from mockcasa.resources._util import literal_values

RESOURCE = Resource(
    name="projects", singular="project",
    created_event="project_created",
    model=Project, create_model=ProjectCreate, update_model=ProjectUpdate,
    filters=[Filter.uuid("clientId"), Filter.enum("status", literal_values(ProjectStatus))],
    refs=[Ref("client_id", "clients")],
)
