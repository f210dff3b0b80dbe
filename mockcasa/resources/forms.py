"""Forms: the studio's inquiry forms and questionnaires, read-only through the API (2026-06-30).

Forms are built in the dashboard; seeds make them. An organization has at most one default form
of each kind: the inquiry form ``POST /inquiries`` submits is the default inquiry form.
"""

from __future__ import annotations

from typing import Any

from mockcasa.engine.resource import Ctx, Filter, Resource
from mockcasa.errors import Invalid
from mockcasa.models.forms import Form, FormKind


def default_form(ctx: Ctx, kind: str) -> Form | None:
    """The form a submission of ``kind`` goes to: the default one, else the first enabled one."""
    forms = [f for f in ctx.org["forms"].where("kind", kind) if f.enabled]
    return next((f for f in forms if f.is_default), forms[0] if forms else None)


def on_seed(ctx: Ctx, values: dict[str, Any]) -> dict[str, Any]:
    kind = values.get("kind", "inquiry")
    if values.get("is_default") and any(f.is_default for f in ctx.org["forms"].where("kind", kind)):
        raise Invalid(field="isDefault", reason=f"another {kind} form is already the default")
    return values


RESOURCE = Resource(
    name="forms", singular="form", model=Form, operations=("list", "get"),
    filters=[Filter.enum("kind", FormKind), Filter.text("slug")],
    on_seed=on_seed,
)
