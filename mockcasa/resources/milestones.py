"""Milestones: dated steps under a project or a proposal (``parentType`` + ``parentId``); from API
revision 2026-06-30 under a project or a client document.

The parent is fixed at creation. ``sortOrder`` defaults to the end of the parent's list.
``completedAt`` is set from the mock clock when the status becomes ``completed`` and cleared
when it leaves ``completed``.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Ref, Resource
from mockcasa.models.work import Milestone, MilestoneCreate, MilestoneParent, MilestoneStatus, MilestoneUpdate
from mockcasa.resources._rules import lookup_optional, require_member, seed_through_create

PARENT_SINGULAR = {"projects": "project", "proposals": "proposal", "client-documents": "client document"}


def _next_sort_order(ctx: Ctx, parent_id: str) -> int:
    siblings = ctx.org["milestones"].where("parent_id", parent_id)
    return max((m.sort_order for m in siblings), default=-1) + 1


def _completion(ctx: Ctx, status: str | None, was: str | None) -> dict[str, Any]:
    if status == "completed" and was != "completed":
        return {"completed_at": ctx.now()}
    if status is not None and status != "completed" and was == "completed":
        return {"completed_at": None}
    return {}


def on_create(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    # Proposals may live in another module (or not exist in this build): find them by collection name.
    parent_type = values["parent_type"]
    lookup_optional(ctx, parent_type, values["parent_id"], "parentId", PARENT_SINGULAR[parent_type])
    require_member(ctx, values.get("assignee_id"), "assigneeId")
    if values.get("sort_order") is None:
        values["sort_order"] = _next_sort_order(ctx, values["parent_id"])
    return {**values, **_completion(ctx, values.get("status"), None)}


def on_update(ctx: Ctx, record: Milestone, changes: dict[str, Any]) -> dict[str, Any]:
    require_member(ctx, changes.get("assignee_id"), "assigneeId")
    return {**changes, **_completion(ctx, changes.get("status"), record.status)}


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    """Checked like a create; a completed milestone may carry its own ``completedAt``."""
    values, system = seed_through_create(RESOURCE, ctx, values, ("completed_at",))
    if values.get("status") != "completed":
        system.pop("completed_at", None)
    return {**values, **system}


RESOURCE = Resource(
    name="milestones", singular="milestone",
    model=Milestone, create_model=MilestoneCreate, update_model=MilestoneUpdate,
    filters=[Filter.enum("parentType", MilestoneParent), Filter.uuid("parentId"),
             Filter.enum("status", MilestoneStatus)],
    refs=[Ref("catalog_item_id", "catalog-items"),
          # Properties of Milestone: indexed so a parent with milestones cannot be deleted (409);
          # never in a request body, so the write check is on_create's (it depends on parentType).
          Ref("parent_project_id", "projects"), Ref("parent_proposal_id", "proposals")],
    on_create=on_create, on_update=on_update, on_seed=on_seed,
    descriptions={"create": "Milestones attach to either a project or a proposal: `parentType` + "
                            "`parentId` are both required."},
)
