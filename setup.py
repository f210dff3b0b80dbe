"""Ship the checkout's ``seeds/`` and ``scenarios/`` inside the wheel, where an installed mockcasa looks.

``seeds/*`` -> ``mockcasa/data/*`` (``config.default_seed`` finds ``mockcasa/data/default.yaml``),
``scenarios/*`` -> ``mockcasa/data/scenarios/*`` and ``docs/*.md`` -> ``mockcasa/data/docs/`` (served at
``/docs/``). Everything else is in pyproject.toml. An editable install needs nothing: the package
finds ``seeds/`` beside itself.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"seeds": "mockcasa/data", "scenarios": "mockcasa/data/scenarios", "docs": "mockcasa/data/docs"}
SKIPPED = {".png"}  # the docs' screenshots stay in the repository; the server serves the Markdown


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for source, target in BUNDLED.items():
            for path in sorted((ROOT / source).rglob("*")):
                if path.is_file() and not path.name.startswith(".") and path.suffix not in SKIPPED:
                    destination = Path(self.build_lib) / target / path.relative_to(ROOT / source)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, destination)


setup(cmdclass={"build_py": BuildPyWithData})
