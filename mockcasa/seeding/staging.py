"""Building seed worlds aside, then committing them at once.

A ``Staging`` collects new organizations, staged copies of existing ones and new API keys
without touching the sandbox. Every problem found is recorded with its location; only a
staging without problems is committed, so a bad file loads nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from mockcasa.models.common import is_uuid, new_id
from mockcasa.revisions import resolve as resolve_revision
from mockcasa.seeding.models import OrganizationContent, OrganizationSeed, SeedFile
from mockcasa.seeding.organization import OrgBuilder, aliases_of, remember_aliases
from mockcasa.source_files import Document, Loc, Problem
from mockcasa.state import ApiKey, Organization

if TYPE_CHECKING:
    from mockcasa.state import Sandbox


LISTED = ("members", "apiKeys", "oauthApps")  # a bad item is left out, not the whole list


def without_bad_fields(raw: dict[str, Any], exc: ValidationError) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """``raw`` without what ``exc`` found wrong: the bad item of a list of members, keys or OAuth
    apps, otherwise the whole top-level field (a bad clock: the organization runs on real time);
    and, per list, the original index of each item kept (problems found later point at those)."""
    fields: set[str] = set()
    items: dict[str, set[int]] = {}
    for error in exc.errors(include_url=False):
        loc = [p for p in error["loc"] if not (isinstance(p, str) and ("[" in p or "(" in p))]
        if not loc:
            continue
        if loc[0] in LISTED and len(loc) > 1 and isinstance(loc[1], int):
            items.setdefault(loc[0], set()).add(loc[1])
        else:
            fields.add(loc[0])
    kept = {k: v for k, v in raw.items() if k not in fields}
    positions = {}
    for name, bad in items.items():
        if isinstance(kept.get(name), list):
            positions[name] = [i for i in range(len(kept[name])) if i not in bad]
            kept[name] = [kept[name][i] for i in positions[name]]
    return kept, positions


class Staging:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.created: list[Organization] = []
        self.replaced: dict[str, Organization] = {}
        self.keys: dict[str, ApiKey] = {}
        self.problems: list[Problem] = []
        self.oauth_apps: list[tuple[Organization, Any]] = []  # checked; registered on commit
        self.oauth_client_ids: set[str] = set()

    def add_seed(self, doc: Document) -> list[Organization]:
        """Stage every organization of a seed file; returns the staged organizations.

        Every independent problem is found in one pass: the file's own fields and each
        organization are validated apart, and an organization with a bad field (a clock, a key)
        is still built without it, so its records are checked too (nothing is committed anyway).
        """
        data = {} if doc.data is None else doc.data
        organizations = data.get("organizations", []) if isinstance(data, dict) else None
        if not isinstance(organizations, list):
            try:
                SeedFile.model_validate(data)
            except ValidationError as exc:
                self.problems += doc.validation_problems(exc)
            return []
        file_random_seed: int | str = 0
        try:
            file_random_seed = SeedFile.model_validate({**data, "organizations": []}).random_seed
        except ValidationError as exc:
            self.problems += doc.validation_problems(exc)
        orgs = []
        for i, raw in enumerate(organizations):
            org_seed = self._organization_seed(raw, doc, ("organizations", i))
            if org_seed is None:
                continue
            random_seed = org_seed.random_seed if org_seed.random_seed is not None else f"{file_random_seed}:{i}"
            org = self.add_organization(org_seed, doc, ("organizations", i), random_seed)
            if org is not None:
                orgs.append(org)
        return orgs

    def _organization_seed(self, raw: Any, doc: Document, loc: Loc) -> OrganizationSeed | None:
        """The organization's seed; if it has bad fields, reports them and returns it without them."""
        try:
            return OrganizationSeed.model_validate(raw)
        except ValidationError as exc:
            self.problems += doc.validation_problems(exc, loc)
            if not isinstance(raw, dict):
                return None
            kept, positions = without_bad_fields(raw, exc)
            try:
                seed = OrganizationSeed.model_validate(kept)
            except ValidationError:
                return None
            seed._positions = positions
            return seed

    def add_organization(self, org_seed: OrganizationSeed, doc: Document, loc: Loc = (),
                         random_seed: int | str | None = None) -> Organization | None:
        """Stage one new organization described by ``org_seed`` (found at ``loc`` in ``doc``)."""
        org = self._new_organization(org_seed, doc, loc)
        if org is None:
            return None
        if random_seed is None:
            random_seed = org_seed.random_seed if org_seed.random_seed is not None else 0
        OrgBuilder(self, org, doc, loc, str(random_seed)).build(org_seed, new=True)
        self.created.append(org)
        return org

    def add_content(self, org: Organization, doc: Document) -> Organization:
        """Stage an organization-level seed (records, generate, members, apiKeys, clock) into ``org``."""
        staged = self.replaced.get(org.id) or org.copy()
        try:
            content = OrganizationContent.model_validate({} if doc.data is None else doc.data)
        except ValidationError as exc:
            self.problems += doc.validation_problems(exc)
            return staged
        self.replaced[org.id] = staged
        random_seed = content.random_seed if content.random_seed is not None else 0
        OrgBuilder(self, staged, doc, (), str(random_seed)).build(content, new=False)
        return staged

    def _new_organization(self, seed: OrganizationSeed, doc: Document, loc: Loc) -> Organization | None:
        org_id = seed.id
        if org_id is not None:
            if not is_uuid(org_id):
                self.problems.append(doc.problem(loc + ("id",), "must be a UUID"))
                return None
            org_id = org_id.lower()
            if org_id in self.sandbox.organizations or any(o.id == org_id for o in self.created):
                self.problems.append(doc.problem(loc + ("id",), f"organization {org_id} already exists"))
                return None
        revision = self.sandbox.settings.api_revision if seed.api_revision is None else seed.api_revision
        try:
            revision = resolve_revision(revision)
            resources = self.sandbox.resources_of(revision)
        except (ValueError, KeyError) as exc:
            reason = exc.args[0] if isinstance(exc, ValueError) else f"this server does not serve {revision}"
            self.problems.append(doc.problem(loc + ("apiRevision",), reason))
            return None
        return Organization(resources, id=org_id or new_id(), name=seed.name, currency=seed.currency.upper(),
                            tax_rate=seed.tax_rate, api_revision=revision)

    def key_taken(self, key: str) -> bool:
        return key in self.sandbox.api_keys or key in self.keys

    def commit(self) -> None:
        """Make everything staged live. Only call when ``problems`` is empty."""
        assert not self.problems, "a staging with problems must not be committed"
        for org in self.created:
            self.sandbox.add_organization(org)
        for org_id, staged in self.replaced.items():
            live = self.sandbox.organizations[org_id]
            live.adopt(staged)
            remember_aliases(live, aliases_of(staged))
        self.sandbox.api_keys.update(self.keys)
        if self.oauth_apps:
            from mockcasa.oauth.seeds import register_app

            for org, declared in self.oauth_apps:
                register_app(self.sandbox, org, declared)
