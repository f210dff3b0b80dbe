"""``mockcasa serve`` and ``mockcasa validate``; the other subcommands are in ``mockcasa.commands``."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from mockcasa.commands import add_commands
from mockcasa.config import Settings
from mockcasa.keys import SANDBOX
from mockcasa.serving import STARTUP_GC_THRESHOLD
from mockcasa.version import __version__


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mockcasa", description="A stateful sandbox of the ClientCasa API v1.")
    parser.add_argument("--version", action="version", version=f"mockcasa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the sandbox server")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1; env MOCKCASA_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8080; env MOCKCASA_PORT)")
    serve.add_argument("--seed", action="append", type=Path, dest="seeds",
                       help="seed to load: a YAML file or a shipped seed's name (default, demo); repeatable "
                            "(default: default; env MOCKCASA_SEED)")
    serve.add_argument("--scenario", action="append", type=Path, dest="scenarios",
                       help="fault scenario: a YAML file or a shipped scenario's name (flaky, rate-limited, outage, "
                            "slow); repeatable (env MOCKCASA_SCENARIO)")
    serve.add_argument("--rate-limit", type=int,
                       help="requests per window per credential (default 1000; env MOCKCASA_RATE_LIMIT)")
    serve.add_argument("--rate-limit-window", type=int,
                       help="rate-limit window in seconds (default 3600; env MOCKCASA_RATE_LIMIT_WINDOW)")
    serve.add_argument("--admin-token", help="token for the /_mockcasa admin API (env MOCKCASA_ADMIN_TOKEN)")
    serve.add_argument("--allow-local-webhooks", action="store_true", default=None,
                       help="let webhooks target http://localhost / 127.0.0.1 receivers "
                            "(env MOCKCASA_ALLOW_LOCAL_WEBHOOKS=1)")
    serve.add_argument("--journal-size", type=int,
                       help="requests kept in the admin journal, 0 to disable (default 1000)")
    serve.add_argument("--journal-max-bytes", type=int,
                       help="bytes the journal may hold, bodies and headers (default 64 MiB)")
    serve.add_argument("--quiet", action="store_true", default=None,
                       help="no access log line per request on stdout (env MOCKCASA_QUIET=1)")
    serve.add_argument("--no-console", action="store_false", dest="console", default=None,
                       help="no web console at /_mockcasa/console/ (env MOCKCASA_CONSOLE=0)")
    serve.add_argument("--state-file", type=Path,
                       help="save the whole state to this JSON file, restore it at start (env MOCKCASA_STATE_FILE)")
    serve.add_argument("--state-save-interval", type=float,
                       help="seconds between saves of a changed state (default 5; MOCKCASA_STATE_SAVE_INTERVAL)")
    serve.add_argument("--state-file-reset", action="store_true", default=None,
                       help="start from the seeds and overwrite the state file (env MOCKCASA_STATE_FILE_RESET=1)")
    serve.add_argument("--api-revision", help="API revision of organizations that name none: 1.0.0 (default), "
                                              "2026-06-30 or latest (env MOCKCASA_API_REVISION)")
    for flag, kind, what in (  # docs/limits.md
            ("--max-body-size", int, "bytes in a request body (default 1048576)"),
            ("--header-timeout", float, "seconds to send a request's line and headers (default 10)"),
            ("--body-timeout", float, "seconds to send a request's body (default 30)"),
            ("--keepalive-timeout", float, "seconds an idle connection stays open (default 15)"),
            ("--max-connections", int, "open connections; beyond, 503 (default 512)")):
        serve.add_argument(flag, type=kind, help=f"{what}; env MOCKCASA_{flag[2:].upper().replace('-', '_')}")
    serve.add_argument("--public-url", help="the server's URL as clients reach it, for the OAuth issuer and "
                                            "endpoints (default: the bound address; env MOCKCASA_PUBLIC_URL)")
    validate = sub.add_parser("validate", help="check seed and scenario files; exit non-zero on errors")
    validate.add_argument("files", nargs="+", type=Path)
    add_commands(sub)
    return parser


def settings_problems(exc: ValidationError) -> str:
    """``seeds.0: no seed named 'x': shipped seeds are default, demo ...`` for each bad setting."""
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
                     for e in exc.errors(include_url=False))


def serve(args: argparse.Namespace) -> int:
    # As ``python -m mockcasa`` does from its first import (see __main__.py), for the ``mockcasa`` script;
    # ``serving.tune_gc`` sets the server's own once the world is loaded.
    gc.set_threshold(*STARTUP_GC_THRESHOLD)
    from mockcasa.admin import ADMIN_TOKEN
    from mockcasa.app import create_app
    from mockcasa.console import sign_in_url
    from mockcasa.serving import serve as run_server
    from mockcasa.source_files import DocumentError
    from mockcasa.state_file import STATE_FILE

    try:
        # Every serve flag's dest is the name of the Settings field it sets (None: not given).
        settings = Settings.from_env(**{name: getattr(args, name, None) for name in Settings.model_fields})
    except ValidationError as exc:
        print(f"mockcasa: refusing to start: {settings_problems(exc)}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    try:
        app = create_app(settings, load_default_seed=True)
    except DocumentError as exc:
        print(f"mockcasa: refusing to start, nothing was loaded:\n{exc}", file=sys.stderr)
        return 2
    sandbox = app[SANDBOX]
    base = f"http://{settings.host}:{settings.port}"

    def banner(_: str) -> None:  # called once the server is listening
        lines = [f"mockcasa {__version__} listening on {base}", f"  API:     {base}/api/v1",
                 f"  OpenAPI: {base}/api/v1/openapi.json"]
        for key in list(sandbox.api_keys.values())[:3]:
            org = sandbox.organizations[key.organization_id]
            lines.append(f"  API key: {key.key}  (organization {org.name!r}, {len(key.scopes)} scopes)")
        if settings.state_file is not None:
            lines.append(f"  State:   {settings.state_file} ({app[STATE_FILE].origin}; saved every "
                         f"{settings.state_save_interval:g} s and on shutdown)")
        token = "(as configured)" if settings.admin_token else app[ADMIN_TOKEN]
        lines.append(f"  Admin:   {base}/_mockcasa  token: {token}")
        console = sign_in_url(app, base.replace("//0.0.0.0:", "//localhost:").replace("//[::]:", "//localhost:"))
        if console:
            lines.append(f"  Console: {console}  (signs in once; then use the token)")
        lines.append(f"  try:     curl -H 'x-api-key: {next(iter(sandbox.api_keys), '<key>')}' {base}/api/v1/clients")
        print("\n".join(lines), flush=True)

    run_server(app, on_ready=lambda: banner(""))
    return 0


def validate(args: argparse.Namespace) -> int:
    """Check each file as the server would load it (records, references, rules), changing nothing."""
    from mockcasa.resources import all_revisions, all_scopes
    from mockcasa.scenarios import parse_scenario
    from mockcasa.seeding import check_seed
    from mockcasa.seeding.loader import read_documents
    from mockcasa.source_files import DocumentError
    from mockcasa.state import Sandbox

    revisions = all_revisions()
    failed = 0
    for path in args.files:
        try:
            doc = read_documents([path])[0]
            if isinstance(doc.data, dict) and "rules" in doc.data:
                kind = "scenario"
                parse_scenario(doc)
            else:
                kind = "seed"
                check_seed(Sandbox(revisions["1.0.0"], all_scopes(), revisions=revisions), doc)
        except DocumentError as exc:
            failed += 1
            print(exc, file=sys.stderr)
        else:
            print(f"{path}: ok ({kind})")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if hasattr(args, "run"):
        return args.run(args)
    return {"serve": serve, "validate": validate}[args.command](args)
