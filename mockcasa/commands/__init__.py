"""``mockcasa`` subcommands beside ``serve`` and ``validate`` (which live in ``mockcasa.cli``).

Each module declares its subcommands with ``add(sub)``: a parser per command whose defaults carry
``run`` (the function ``main`` calls with the parsed arguments). ``shipped`` lists the seeds and
scenarios that ship with mockcasa; ``remote`` drives a running server through its admin API.
"""

from __future__ import annotations

import argparse

from mockcasa.commands import remote, shipped


def add_commands(sub: argparse._SubParsersAction) -> None:
    for module in (shipped, remote):
        module.add(sub)


__all__ = ["add_commands"]
