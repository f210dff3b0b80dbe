"""Stored records built from a create's validated body, without validating the same values twice.

A POST validates its body into the resource's Create model, and the records library then validated
the values again into the stored (Read) model: for most resources the second pass re-checks
what the first has just checked. A resource whose stored record is a plain function of its
Create model (every field of the body kept as it is, the others at their defaults, plus id and
timestamps) declares ``Resource(stored_as_created=True)``, and its record is then built field by
field from the validated values (``AsIs.record``), as ``model_validate`` would have built it: same
values, same field order, same ``model_fields_set``, so it is stored, compared and rendered alike
(``tests/engine/test_as_is.py`` renders records made both ways).

What may be declared is checked when the resource is first used (``TypeError`` otherwise): no
nested shapes, models or parts (the body would hold the Create side's classes), no validators on the stored model
beyond those its field types carry (the Create model ran the same types), defaults that are
immutable, and every field of the body a field of the record. Seeds, the admin API and hooks that
create records from values of their own go through validation as before.
"""

from __future__ import annotations

from dataclasses import is_dataclass
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

# The fields the records library adds to a create's values (``records.build_record``).
SYSTEM_FIELDS = frozenset({"id", "created_at", "updated_at"})
_IMMUTABLE = (type(None), str, bool, int, float)


class AsIs:
    """How one resource's records are built from its Create model's validated values."""

    __slots__ = ("_model", "_names", "_template")

    def __init__(self, create_model: type[BaseModel], model: type[BaseModel]) -> None:
        _check(create_model, model)
        self._model = model
        self._names = frozenset(model.model_fields)
        # Every field in the record's order, at its default; the required ones (the body's and the
        # system fields) are always given, so their placeholder never stays.
        self._template = {name: None if info.is_required() else info.default
                          for name, info in model.model_fields.items()}

    @staticmethod
    def values(body: BaseModel) -> dict[str, Any]:
        """The body's fields as validated (``model_dump``'s values for a body of plain fields)."""
        return dict(body.__dict__)

    def record(self, values: dict[str, Any]) -> BaseModel:
        """The stored model of ``values`` (the body's, plus the system fields), not validated again."""
        fields = self._template.copy()
        fields.update(values)  # the template's order stays: ``values`` names fields of the record
        fields_set = set(values)
        if len(fields) != len(self._template):  # a key that is no field, dropped as validation drops it
            fields = {name: fields[name] for name in self._template}
            fields_set &= self._names
        model = self._model
        record = model.__new__(model)
        object.__setattr__(record, "__dict__", fields)
        object.__setattr__(record, "__pydantic_fields_set__", fields_set)
        object.__setattr__(record, "__pydantic_extra__", None)
        object.__setattr__(record, "__pydantic_private__", None)
        return record


def _check(create_model: type[BaseModel], model: type[BaseModel]) -> None:
    """Refuse a declaration the records would not honour (see the module's docstring)."""
    name = f"{model.__name__} (stored_as_created)"
    decorators = model.__pydantic_decorators__
    if decorators.model_validators or decorators.field_validators or model.__pydantic_post_init__ \
            or model.model_config.get("extra") == "allow":
        raise TypeError(f"{name}: the stored model validates more than its fields' types")
    unknown = set(create_model.model_fields) - set(model.model_fields)
    if unknown:
        raise TypeError(f"{name}: body fields {sorted(unknown)} are not fields of the record")
    for field, info in model.model_fields.items():
        if _holds_model(info.annotation) or (field in create_model.model_fields
                                             and _holds_model(create_model.model_fields[field].annotation)):
            raise TypeError(f"{name}: {field} holds a nested model")
        if info.is_required() and field not in create_model.model_fields and field not in SYSTEM_FIELDS:
            raise TypeError(f"{name}: {field} is required and not in the body")
        if not info.is_required() and (info.default_factory is not None or type(info.default) not in _IMMUTABLE):
            raise TypeError(f"{name}: {field}'s default is not an immutable value")


def _holds_model(annotation: Any) -> bool:
    """Whether a field's type nests a shape: a model, or a part (``models.common.Part``, a dataclass)."""
    if isinstance(annotation, type) and (issubclass(annotation, BaseModel) or is_dataclass(annotation)):
        return True
    if get_origin(annotation) is Annotated:
        return _holds_model(get_args(annotation)[0])
    return any(_holds_model(arg) for arg in get_args(annotation))
