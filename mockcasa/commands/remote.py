"""Driving a running mockcasa from the shell, through its admin API (as ``stripe trigger`` does).

``mockcasa orgs``, ``clock``, ``trigger``, ``journal [--follow]``, ``faults add|list|remove|clear``
and ``reset``. Each finds the server from ``--url`` / ``MOCKCASA_URL`` (default
``http://127.0.0.1:8080``) and ``--token`` / ``MOCKCASA_ADMIN_TOKEN``: set both once in CI or a
shell and every command works against that server, a Docker container included. Organizations
may be named by id or name, records by id, document number (``INV-0001``) or seed alias.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockcasa.testing.admin import AdminClient

DEFAULT_URL = "http://127.0.0.1:8080"
FOLLOW_EVERY = 0.5  # seconds between polls of the journal


def client(args: argparse.Namespace) -> AdminClient:
    token = args.token or os.environ.get("MOCKCASA_ADMIN_TOKEN")
    if not token:
        raise SystemExit("mockcasa: no admin token: pass --token or set MOCKCASA_ADMIN_TOKEN (the token "
                         "`mockcasa serve` was given, or printed at its start)")
    # Imported here: ``mockcasa serve`` builds these parsers too and never needs the client.
    from mockcasa.testing.admin import AdminClient

    return AdminClient(args.url or os.environ.get("MOCKCASA_URL") or DEFAULT_URL, token)


def org_id(admin: AdminClient, wanted: str | None) -> str:
    """The organization named (id or name), or the only one there is."""
    if wanted:
        return admin.get(f"/organizations/{urllib.parse.quote(wanted, safe='')}")["id"]
    orgs = admin.get("/organizations")["organizations"]
    if len(orgs) == 1:
        return orgs[0]["id"]
    names = ", ".join(f"{o['name']!r}" for o in orgs) or "none"
    raise SystemExit(f"mockcasa: the server has {len(orgs)} organizations ({names}): choose one with --org")


def value(text: str) -> Any:
    """``50`` -> 50, ``true`` -> True, ``{"a": 1}`` -> a dict; anything else stays a string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def camel(name: str) -> str:
    head, *rest = name.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def action_params(extra: list[str]) -> dict[str, Any]:
    """``--amount 50 --received-date 2026-05-19`` -> ``{"amount": 50, "receivedDate": "2026-05-19"}``."""
    params, i = {}, 0
    while i < len(extra):
        name = extra[i]
        if not name.startswith("--") or len(name) < 3:
            raise SystemExit(f"mockcasa trigger: expected --name value, got {name!r}")
        key, eq, given = name[2:].partition("=")
        if not eq:
            if i + 1 >= len(extra):
                raise SystemExit(f"mockcasa trigger: {name} needs a value")
            given, i = extra[i + 1], i + 1
        params[camel(key)] = value(given)
        i += 1
    return params


def show(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# ------------------------------------------------------------------ the commands

def orgs(args: argparse.Namespace) -> int:
    for org in client(args).get("/organizations")["organizations"]:
        records = sum(org["counts"].values())
        keys = ", ".join(k["key"] for k in org["apiKeys"][:2]) or "no key"
        clock = org["clock"]["now"] + (" (frozen)" if org["clock"]["frozen"] else "")
        print(f"{org['id']}  {org['name']}  {records} records  clock {clock}  keys: {keys}")
    return 0


def clock(args: argparse.Namespace) -> int:
    admin = client(args)
    base = f"/organizations/{org_id(admin, args.org)}/clock"
    if args.op == "show":
        state = admin.get(base)
    elif args.op in ("advance", "set", "freeze") and args.value is None and args.op != "freeze":
        raise SystemExit(f"mockcasa clock {args.op}: give a {'duration (15d)' if args.op == 'advance' else 'time'}")
    elif args.op == "advance":
        state = admin.post(base + "/advance", {"by": value(args.value)})
    elif args.op in ("set", "freeze"):
        state = admin.post(f"{base}/{args.op}", {"at": args.value} if args.value else None)
    else:
        state = admin.post(f"{base}/{args.op}")
    print(f"{state['now']}{'  (frozen)' if state['frozen'] else ''}")
    return 0


def trigger(args: argparse.Namespace) -> int:
    admin = client(args)
    base = f"/organizations/{org_id(admin, args.org)}/{args.resource}"
    quote = lambda part: urllib.parse.quote(part, safe="")
    if args.action is None:  # two words: a collection action (payouts create_payout)
        path = f"{base}/actions/{quote(args.target)}"
    else:
        path = f"{base}/{quote(args.target)}/actions/{quote(args.action)}"
    show(admin.post(path, action_params(args.params)))
    return 0


def journal_line(entry: dict[str, Any]) -> str:
    status = entry["status"] if entry["status"] is not None else "---"
    fault = f"  fault {entry['fault']}" if entry.get("fault") else ""
    query = f"?{entry['query']}" if entry.get("query") else ""
    return (f"{entry['at']}  {entry['method']:<6} {entry['path']}{query}  {status}  {entry['durationMs']:.1f}ms  "
            f"{entry['requestId']}{fault}")


def journal(args: argparse.Namespace) -> int:
    admin = client(args)
    query = {"organizationId": org_id(admin, args.org) if args.org else None, "method": args.method,
             "path": args.path, "status": args.status}
    entries = admin.get("/journal", limit=args.limit, **query)["entries"]
    for entry in reversed(entries):
        print(journal_line(entry), flush=True)
    if not args.follow:
        return 0
    last = max((e["id"] for e in entries), default=0)
    try:
        while True:
            time.sleep(FOLLOW_EVERY)
            fresh = admin.get("/journal", after=last, limit=1000, **query)["entries"]
            for entry in reversed(fresh):
                print(journal_line(entry), flush=True)
                last = max(last, entry["id"])
    except KeyboardInterrupt:
        return 0


def rule_line(rule: dict[str, Any]) -> str:
    stats = rule["stats"]
    return (f"{rule['name']}  ({rule['source']})  match {json.dumps(rule.get('match', {}))}  action "
            f"{json.dumps(rule['action'])}  matched {stats['matched']} fired {stats['fired']}")


def faults(args: argparse.Namespace) -> int:
    admin = client(args)
    if args.op == "list":
        for rule in admin.get("/faults")["rules"]:
            print(rule_line(rule))
    elif args.op == "clear":
        admin.delete("/faults")
        print("every fault rule removed")
    elif args.op == "remove":
        for name in args.rules:
            admin.delete(f"/faults/{name}")
            print(f"removed {name}")
    elif args.scenario:
        for rule in admin.post(f"/scenarios/{args.scenario}")["rules"]:
            print("added " + rule_line(rule))
    else:
        if not args.rules:
            raise SystemExit("mockcasa faults add: give a rule (a YAML/JSON file or text) or --scenario NAME")
        for given in args.rules:
            path = Path(given)
            text = path.read_text(encoding="utf-8") if path.is_file() else given
            added = admin.request("POST", "/scenarios" if "rules:" in text or '"rules"' in text else "/faults",
                                  yaml_text=text)
            for rule in added.get("rules", [added]):
                print("added " + rule_line(rule))
    return 0


def reset(args: argparse.Namespace) -> int:
    admin = client(args)
    if args.org:
        org = admin.post(f"/organizations/{org_id(admin, args.org)}/reset")
        print(f"reset {org['name']} ({org['id']}) to its startup state")
    else:
        counts = admin.post("/reset", empty=args.empty or None)
        print(f"reset to {'nothing' if args.empty else 'the startup world'}: {counts['organizations']} "
              f"organizations, {counts['apiKeys']} API keys, {counts['faultRules']} fault rules")
    return 0


# ------------------------------------------------------------------ the parsers

def run(command: Any) -> Any:
    """Admin refusals and unreachable servers as one line on stderr and exit 1, not a traceback."""
    def guarded(args: argparse.Namespace) -> int:
        import urllib.error

        from mockcasa.testing.admin import AdminError

        try:
            return command(args)
        except AdminError as exc:
            print(f"mockcasa: {exc}", file=sys.stderr)
        except urllib.error.URLError as exc:
            url = args.url or os.environ.get("MOCKCASA_URL") or DEFAULT_URL
            print(f"mockcasa: cannot reach {url}: {exc.reason} (is `mockcasa serve` running? set --url or "
                  f"MOCKCASA_URL)", file=sys.stderr)
        return 1
    return guarded


COMMANDS = (  # name, summary, function, example
    ("orgs", "list the organizations of a running server", orgs, "mockcasa orgs"),
    ("clock", "read or move an organization's mock clock", clock,
     ("mockcasa clock advance 15d --org 'Northwind Creative Studio'\n"
      "  mockcasa clock freeze 2026-05-19T10:00:00Z\n  mockcasa clock show")),
    ("trigger", "run a dashboard or system action (as stripe trigger does)", trigger,
     ("mockcasa trigger invoices INV-0001 record_stripe_payment --amount 50\n"
      "  mockcasa trigger proposals PROP-0002 send\n  mockcasa trigger payouts create_payout")),
    ("journal", "print the request journal (--follow: as requests arrive)", journal,
     "mockcasa journal --follow --status 5xx"),
    ("faults", "list, add, remove or clear fault rules", faults,
     ("mockcasa faults add '{name: no-create, match: {method: POST}, action: {responses: [429, 500, pass]}}'\n"
      "  mockcasa faults add --scenario flaky\n  mockcasa faults list\n  mockcasa faults clear")),
    ("reset", "reset everything (or one organization) to the startup world", reset,
     "mockcasa reset\n  mockcasa reset --org 'Northwind Creative Studio'"),
)


def add(sub: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", help=f"the server (env MOCKCASA_URL; default {DEFAULT_URL})")
    common.add_argument("--token", help="its admin token (env MOCKCASA_ADMIN_TOKEN)")
    parsers = {}
    for name, summary, command, example in COMMANDS:
        parsers[name] = p = sub.add_parser(
            name, help=summary, parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter,
            description=f"{summary[0].upper()}{summary[1:]}, through the admin API of a running mockcasa.",
            epilog=f"example:\n  {example}\n\nMOCKCASA_URL and MOCKCASA_ADMIN_TOKEN save repeating --url and --token.")
        p.set_defaults(run=run(command))
        if name != "orgs":
            p.add_argument("--org", help="organization id or name (default: the only one)")
    parsers["clock"].add_argument("op", choices=["show", "advance", "set", "freeze", "unfreeze", "reset"])
    parsers["clock"].add_argument("value", nargs="?", help="advance: 90s, 15m, 24h, 15d; set/freeze: an instant")
    t = parsers["trigger"]
    t.add_argument("resource", help="invoices, proposals, contracts, payments, payouts, ...")
    t.add_argument("target", help="the record (id, INV-0001 or seed alias), or a collection action's name")
    t.add_argument("action", nargs="?", help="the action (GET /_mockcasa/actions lists them)")
    t.add_argument("params", nargs=argparse.REMAINDER, help="--name value: the action's parameters")
    j = parsers["journal"]
    j.add_argument("--follow", "-f", action="store_true", help="keep printing requests as they arrive")
    j.add_argument("--status", help="503, 5xx or dropped")
    j.add_argument("--method")
    j.add_argument("--path", help="a pattern as in scenarios: /api/v1/invoices/**")
    j.add_argument("--limit", type=int, default=20, help="entries printed first (20)")
    f = parsers["faults"]
    f.add_argument("op", choices=["list", "add", "remove", "clear"])
    f.add_argument("rules", nargs="*", help="add: rule or scenario files or YAML/JSON text; remove: rule names or ids")
    f.add_argument("--scenario", help="add: a shipped scenario by name (flaky)")
    parsers["reset"].add_argument("--empty", action="store_true", help="no organizations, keys or rules at all")
