"""``mockcasa seeds`` and ``mockcasa scenarios``: what ships with mockcasa, by the names that load it.

A partner who installed a wheel has no ``seeds/`` folder to look in; these list the names that
``serve --seed``, ``--scenario``, ``MOCKCASA_SEED``, the pytest marker and the admin API accept.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mockcasa.config import shipped_scenarios, shipped_seeds, summary


def show(kind: str, found: dict[str, Path], args: argparse.Namespace) -> int:
    if not found:
        print(f"no shipped {kind}s found (a broken installation?)")
        return 1
    width = max(len(name) for name in found)
    for name, path in found.items():
        print(f"{name:<{width}}  {path if args.paths else summary(path)}")
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    for kind, finder, example in (
            ("seed", shipped_seeds, "mockcasa serve --seed demo"),
            ("scenario", shipped_scenarios, "mockcasa serve --scenario flaky")):
        parser = sub.add_parser(
            kind + "s", help=f"list the shipped {kind}s by name",
            description=f"List the {kind}s that ship with mockcasa. Each name works wherever a {kind} file "
                        f"does (serve, MOCKCASA_{kind.upper()}, the pytest marker, the admin API).",
            epilog=f"example:\n  mockcasa {kind}s\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.add_argument("--paths", action="store_true", help="print each file's path instead of its summary")
        parser.set_defaults(run=lambda args, kind=kind, finder=finder: show(kind, finder(), args))
