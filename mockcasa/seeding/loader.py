"""Read, validate and apply seed files. A bad file fails with file, path and reason, and loads nothing."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from mockcasa.engine.body import field_path
from mockcasa.oauth.seeds import register_seed_apps, seed_problems
from mockcasa.seeding.models import SeedFile
from mockcasa.state import Sandbox


class SeedError(Exception):
    """A seed file that cannot be loaded; the message names the file, the path and the reason."""


def read_seed(path: Path) -> SeedFile:
    try:
        data = yaml.safe_load(Path(path).read_text())
    except OSError as exc:
        raise SeedError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise SeedError(f"{path}: not valid YAML: {exc}") from None
    try:
        return SeedFile.model_validate(data or {})
    except ValidationError as exc:
        lines = [f"{path}: {field_path(e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
        raise SeedError("\n".join(lines)) from None


def apply_seed(sandbox: Sandbox, seed: SeedFile, source: str = "seed") -> list[str]:
    """Create the seed's organizations; returns their ids. Checks everything before changing anything."""
    taken = set(sandbox.api_keys)
    taken_clients: set[str] = set()
    for i, org in enumerate(seed.organizations):
        if org.id and org.id in sandbox.organizations:
            raise SeedError(f"{source}: organizations[{i}].id: organization {org.id} already exists")
        for j, key in enumerate(org.api_keys):
            if key.key in taken:
                raise SeedError(f"{source}: organizations[{i}].apiKeys[{j}].key: key already in use")
            taken.add(key.key)
            unknown = [] if key.scopes == "*" else sorted(set(key.scopes) - sandbox.all_scopes)
            if unknown:
                raise SeedError(f"{source}: organizations[{i}].apiKeys[{j}].scopes: unknown scopes "
                                f"{', '.join(unknown)}")
        problems = seed_problems(sandbox, org, taken_clients)
        if problems:
            raise SeedError("\n".join(f"{source}: organizations[{i}].{line}" for line in problems))
    ids = []
    for org_seed in seed.organizations:
        org = sandbox.create_organization(id=org_seed.id, name=org_seed.name, currency=org_seed.currency,
                                          tax_rate=org_seed.tax_rate, with_member=not org_seed.members)
        for member in org_seed.members:
            org.add_member(member.name, member.email, member.role, id=member.id)
        for key in org_seed.api_keys:
            sandbox.issue_key(org, key=key.key, name=key.name, rate_limit=key.rate_limit,
                              scopes=None if key.scopes == "*" else frozenset(key.scopes))
        register_seed_apps(sandbox, org, org_seed)
        ids.append(org.id)
    return ids


def load_seed_file(sandbox: Sandbox, path: Path) -> list[str]:
    return apply_seed(sandbox, read_seed(path), str(path))
