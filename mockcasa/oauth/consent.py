"""A minimal consent page (``prompt=consent``), for demos that want to show the user a choice."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from mockcasa.oauth.apps import OAuthApp


def consent_page(app: OAuthApp, scopes: frozenset[str], params: Mapping[str, str], action: str) -> str:
    """An HTML form that repeats the authorize request with ``decision=approve`` or ``decision=deny``."""
    member = app.organization.members.get(app.member_id)
    who = escape(member.name if member else app.member_id)
    hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
                     for k, v in params.items() if k != "decision")
    items = "".join(f"<li><code>{escape(s)}</code></li>" for s in sorted(scopes))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {escape(app.name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}
button{{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}}</style></head>
<body><h1>Authorize {escape(app.name)}</h1>
<p><strong>{escape(app.name)}</strong> wants to act as <strong>{who}</strong> in
<strong>{escape(app.organization.name)}</strong> (mockcasa sandbox) with these scopes:</p>
<ul>{items}</ul>
<form method="get" action="{escape(action)}">{hidden}
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form></body></html>
"""
