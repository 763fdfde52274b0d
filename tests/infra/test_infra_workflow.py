"""The example GitHub Actions workflow: valid, keyless (OIDC), preview on PRs, up on main."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from infra_harness import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pulumi.yml"
CHECKER = Path(sys.executable).parent / "check-jsonschema"


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    assert CHECKER.is_file(), "check-jsonschema is a dev dependency: pip install '.[dev]'"
    return subprocess.run(
        [str(CHECKER), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _load() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return data


def test_the_workflow_matches_githubs_workflow_schema() -> None:
    result = _validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = _load()
    broken["jobs"]["up"]["runs-on"] = None
    broken["jobs"]["up"]["permisions"] = {"id-token": "write"}  # misspelt key
    path = tmp_path / "broken.yml"
    path.write_text(yaml.safe_dump(broken))
    assert _validate(path).returncode != 0


def _steps(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if str(s.get("uses", "")).startswith(action + "@")]


def test_preview_on_pull_requests_and_up_on_main_with_an_oidc_role() -> None:
    workflow = _load()
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as a boolean
    assert set(triggers) == {"pull_request", "push"}
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}, "least privilege by default"
    jobs = workflow["jobs"]
    assert set(jobs) == {"preview", "up"}
    expected = {"preview": ("pull_request", "preview"), "up": ("push", "up")}
    for name, (event, command) in expected.items():
        job = jobs[name]
        assert f"github.event_name == '{event}'" in job["if"]
        assert "vars.AWS_ROLE_ARN != ''" in job["if"], "inert until the repository is set up"
        assert job["permissions"]["id-token"] == "write", "OIDC needs the token"
        (aws,) = _steps(job, "aws-actions/configure-aws-credentials")
        assert aws["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}"
        (pulumi,) = _steps(job, "pulumi/actions")
        assert pulumi["with"]["command"] == command
        assert pulumi["with"]["stack-name"] == "${{ vars.PULUMI_STACK }}"
        rehearsal = [s for s in job["steps"] if "pytest tests/infra" in str(s.get("run", ""))]
        assert rehearsal, f"{name}: the offline rehearsal runs before Pulumi"
        assert job["steps"].index(rehearsal[0]) < job["steps"].index(pulumi)
    assert "refs/heads/main" in jobs["up"]["if"]
    assert _steps(jobs["up"], "docker/setup-buildx-action"), "up builds the image"
    assert _steps(jobs["preview"], "pulumi/actions")[0]["with"]["comment-on-pr"] is True


@pytest.mark.parametrize("word", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "aws-access-key"])
def test_no_long_lived_aws_key_is_used(word: str) -> None:
    assert word not in WORKFLOW.read_text()


def test_every_action_is_pinned_to_a_release() -> None:
    for job in _load()["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                _action, _, version = step["uses"].partition("@")
                assert version.startswith("v"), step["uses"]
