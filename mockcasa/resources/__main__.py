"""``python -m mockcasa.resources``: rewrite ``outline.py`` from the resource declarations."""

from mockcasa.resources import OUTLINE_FILE, outline_source

OUTLINE_FILE.write_text(outline_source(), encoding="utf-8")
