"""The outline (what each revision serves, known without building it) says what the declarations say."""

import subprocess
import sys

from mockcasa.resources import OUTLINE_FILE, Revisions, all_resources, outline_of, outline_source
from mockcasa.resources.outline import OUTLINE
from mockcasa.revisions import REVISIONS


def test_the_outline_is_written_from_the_declarations():
    assert list(OUTLINE) == list(REVISIONS)
    for revision in REVISIONS:
        assert list(outline_of(all_resources(revision)).items()) == list(OUTLINE[revision].items()), (
            f"run python -m mockcasa.resources to rewrite mockcasa/resources/outline.py ({revision})")
    assert OUTLINE_FILE.read_text(encoding="utf-8") == outline_source()


def test_a_revision_is_built_when_first_asked_for():
    revisions = Revisions()
    assert list(revisions) == list(REVISIONS) and len(revisions) == len(REVISIONS)
    assert revisions["1.0.0"] is revisions["1.0.0"]
    assert revisions.get("0.9") is None


def test_a_server_of_the_first_revision_builds_no_other():
    """``create_app`` on the default world imports none of 2026-06-30's declarations."""
    code = ("import sys\nfrom mockcasa import create_app\ncreate_app(load_default_seed=True)\n"
            "print(sorted(m for m in sys.modules if m.startswith('mockcasa.') and "
            "m.rsplit('.', 1)[-1] in ('v2026_06_30', 'event_days', 'venues', 'form_submissions')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
