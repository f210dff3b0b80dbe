"""The release workflow and CI script say what the README promises (their runs happen on GitHub and in .ci/run)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
README_TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"


def test_the_release_workflow_builds_checks_and_publishes_for_both_platforms():
    workflow = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    assert workflow[True]["push"]["tags"] == ["v*.*.*"]  # YAML reads the key `on` as True
    assert workflow["permissions"]["packages"] == "write"
    package = " ".join(step.get("run", "") for step in workflow["jobs"]["package"]["steps"])
    assert "python -m build" in package and "twine check --strict dist/*" in package
    assert "bash .ci/package-smoke" in package
    image = workflow["jobs"]["image"]
    assert image["needs"] == "package"
    steps = {step.get("uses", "").split("@")[0]: step.get("with", {}) for step in image["steps"]}
    assert steps["docker/build-push-action"]["platforms"] == "linux/amd64,linux/arm64"
    assert steps["docker/build-push-action"]["push"] is True
    assert steps["docker/login-action"]["registry"] == "ghcr.io"
    meta = steps["docker/metadata-action"]
    assert meta["images"] == "ghcr.io/${{ github.repository_owner }}/mockcasa"
    assert "type=semver,pattern={{version}}" in meta["tags"] and "type=raw,value=latest" in meta["tags"]


def test_the_readme_and_docker_docs_use_the_published_image():
    for doc in ("README.md", "docs/docker.md"):
        images = set(re.findall(r"^\s*image: (\S+)", (ROOT / doc).read_text(), re.MULTILINE))
        assert images == {"ghcr.io/clientcasa/mockcasa:0.1.0"}, (doc, images)


def test_ci_runs_the_readme_test_command_then_the_package_and_the_image():
    run = (ROOT / ".ci/run").read_text()
    assert README_TEST_COMMAND in (ROOT / "README.md").read_text()
    lines = [line for line in run.splitlines() if line and not line.startswith("#")]
    assert lines.index(README_TEST_COMMAND) < lines.index("bash .ci/package-smoke") < lines.index("bash .ci/docker-smoke")
    assert "apt-get install -y -qq chromium" in run


def test_the_build_context_keeps_everything_the_dockerfile_copies():
    """`COPY docs /src/docs` once met a .dockerignore that left docs/ out: the image could not build."""
    from fnmatch import fnmatch

    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    sources = [part for line in (ROOT / "Dockerfile").read_text().splitlines()
               if line.startswith("COPY ") and "--from" not in line for part in line.split()[1:-1]]
    assert "docs" in sources and "seeds" in sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch(source, pattern) for pattern in ignored), (source, ignored)
        if (ROOT / source).is_dir():
            kept = [p for p in (ROOT / source).rglob("*") if p.is_file()
                    and not any(fnmatch(str(p.relative_to(ROOT)), pattern) for pattern in ignored)]
            assert kept, f"{source}: every file is ignored"
