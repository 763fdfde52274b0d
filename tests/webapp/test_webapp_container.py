"""The container image's recipe, checked without Docker: slim, non-root, healthy, no test tools.

Also proves the image's premise: the app module imports and builds in Cognito mode with moto and
the emulator unimportable, because local mode imports the emulator lazily.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "webapp" / "Dockerfile"
FORBIDDEN = ("moto", "pytest", "hypothesis", "playwright", "emulator", "ruff", "mypy", "awscli")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_base_image_is_slim_python() -> None:
    froms = [rest for keyword, rest in instructions() if keyword == "FROM"]
    assert froms
    assert re.fullmatch(r"python:3\.1[23]-slim", froms[-1])


def test_runs_as_a_non_root_user() -> None:
    users = [rest for keyword, rest in instructions() if keyword == "USER"]
    assert users
    name = users[-1].split(":")[0]
    assert name not in {"root", "0"}


def test_healthcheck_probes_healthz_and_port_8080_is_exposed() -> None:
    parsed = instructions()
    checks = [rest for keyword, rest in parsed if keyword == "HEALTHCHECK"]
    assert checks
    assert "/healthz" in checks[-1]
    assert ("EXPOSE", "8080") in parsed
    env = " ".join(rest for keyword, rest in parsed if keyword == "ENV")
    assert "HOST=0.0.0.0" in env
    assert "PORT=8080" in env
    assert [rest for keyword, rest in parsed if keyword == "CMD"][
        -1
    ] == '["python", "-m", "webapp"]'


def test_installs_exactly_the_web_extra_and_no_test_tools() -> None:
    runs = " ".join(rest for keyword, rest in instructions() if keyword == "RUN")
    assert "['optional-dependencies']['web']" in runs
    web = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for requirement in web["web"]:
        assert not requirement.lower().startswith(FORBIDDEN), requirement
    for word in FORBIDDEN:
        assert word not in runs.lower(), word


def test_copies_only_the_settings_and_the_webapp() -> None:
    copies = [rest for keyword, rest in instructions() if keyword == "COPY"]
    sources = " ".join(copy.rsplit(" ", 1)[0] for copy in copies)
    assert "functions/settings.py" in sources
    assert "webapp/" in sources
    assert "emulator" not in sources
    assert "tests" not in sources


def test_every_shared_module_the_web_app_imports_is_in_the_image() -> None:
    """A `functions` module imported by the web app but left out of the image fails at start."""
    copies = " ".join(rest for keyword, rest in instructions() if keyword == "COPY")
    allowed = (ROOT / "webapp" / "Dockerfile.dockerignore").read_text()
    imported = set()
    for source in (ROOT / "webapp").rglob("*.py"):
        imported.update(re.findall(r"^from functions\.(\w+) import", source.read_text(), re.M))
    assert imported >= {"settings", "colours"}
    for module in sorted(imported):
        assert f"functions/{module}.py" in copies, module
        assert f"!functions/{module}.py" in allowed, module


def test_app_starts_in_cognito_mode_without_moto_or_the_emulator(tmp_path: Path) -> None:
    """Build the app (everything but the server loop) with moto and emulator blocked."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'moto', 'emulator', 'pytest'}:\n"
        "            raise ImportError(f'{name} is not installed in the image')\n"
        "        return None\n"
        "sys.meta_path.insert(0, Block())\n",
        encoding="utf-8",
    )
    script = (
        "import os, sys\n"
        "from webapp.app import build, flow_and_mailbox\n"
        "from webapp.config import config_from_env\n"
        "config = config_from_env(os.environ)\n"
        "flow, mailbox = flow_and_mailbox(config, os.environ)\n"
        "build(config, flow, mailbox)\n"
        "assert mailbox is None\n"
        "blocked = [m for m in sys.modules if m.split('.')[0] in {'moto', 'emulator'}]\n"
        "assert not blocked, blocked\n"
        "try:\n"
        "    import moto\n"
        "except ImportError:\n"
        "    print('moto blocked; app built in', config.mode, 'mode')\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"} | {
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "USER_POOL_ID": "eu-west-1_example",
        "CLIENT_ID": "example-client",
        "AWS_REGION": "eu-west-1",
        "STORAGE_SECRET": "s" * 40,
        "TRUSTED_HOSTS": "login.example.com",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "moto blocked; app built in cognito mode" in result.stdout


def test_local_mode_needs_the_emulator(tmp_path: Path) -> None:
    """The same blocker makes local mode fail loudly: the check above really blocks imports."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'moto', 'emulator'}:\n"
        "            raise ImportError(name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Block())\n",
        encoding="utf-8",
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}
    for name in ("USER_POOL_ID", "CLIENT_ID", "AWS_REGION"):
        env.pop(name, None)
    env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{ROOT}"
    result = subprocess.run(
        [sys.executable, "-c", "from webapp.local import local_stack; local_stack()"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "ImportError" in result.stderr or "ModuleNotFoundError" in result.stderr


# --- bytecode compiled into the image, not at every task start -----------------------------------

COMPILE = "python -m compileall"


def _compile_runs() -> list[tuple[int, str]]:
    return [
        (index, rest)
        for index, (keyword, rest) in enumerate(instructions())
        if keyword == "RUN" and COMPILE in rest
    ]


def test_bytecode_is_compiled_at_build_time_for_the_app_and_its_libraries() -> None:
    """The tasks run as a user who cannot write bytecode: it must be in the image already."""
    parsed = instructions()
    runs = " ".join(rest for keyword, rest in parsed if keyword == "RUN")
    assert "--no-compile" not in runs
    compiles = _compile_runs()
    assert compiles, "no `python -m compileall` at build time"
    libraries = [rest for _, rest in compiles if "get_paths()['purelib']" in rest]
    assert libraries, "site-packages are not compiled"
    assert "get_paths()['stdlib']" in libraries[0], "nor the standard library"
    # After the install, in the same layer (pip must have written the files first).
    assert libraries[0].index("pip install") < libraries[0].index(COMPILE)
    app = [rest for _, rest in compiles if "/app/webapp" in rest and "/app/functions" in rest]
    assert app, "the app's own modules are not compiled"
    app_index = next(i for i, rest in compiles if rest == app[0])
    copies = [i for i, (keyword, _) in enumerate(parsed) if keyword == "COPY"]
    user = next(i for i, (keyword, _) in enumerate(parsed) if keyword == "USER")
    assert max(copies) < app_index < user, "compile after the last COPY, while still root"
    env = " ".join(rest for keyword, rest in parsed if keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env, "nothing is written at run time"


def _compile_command(rest: str, mapping: dict[str, str]) -> list[str]:
    """The Dockerfile's compile command for the app, with its paths mapped to `mapping`."""
    command = rest[rest.index(COMPILE) :].split()
    return [sys.executable, *[mapping.get(word, word) for word in command[1:]]]


def test_the_apps_compile_command_succeeds_and_leaves_bytecode_for_every_module(
    tmp_path: Path,
) -> None:
    (app,) = [rest for _, rest in _compile_runs() if "/app/webapp" in rest]
    for package in ("functions", "webapp"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    mapping = {f"/app/{p}": str(tmp_path / p) for p in ("functions", "webapp")}
    result = subprocess.run(
        _compile_command(app, mapping), capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sources = [*(tmp_path / "webapp").rglob("*.py"), tmp_path / "functions" / "settings.py"]
    assert len(sources) > 20
    for source in sources:
        assert Path(importlib.util.cache_from_source(str(source))).is_file(), source


def _web_closure() -> list[Any]:
    """The installed distributions the `web` extra pulls in (what the image's pip installs)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    web = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    found: dict[str, Any] = {}
    todo = [Requirement(r) for r in web["web"]]
    while todo:
        requirement = todo.pop()
        key = requirement.name.lower().replace("_", "-")
        if key in found:
            continue
        found[key] = distribution = metadata.distribution(requirement.name)
        extras = requirement.extras or {""}
        for text in distribution.requires or []:
            needed = Requirement(text)
            if needed.marker is None or any(
                needed.marker.evaluate({"extra": extra}) for extra in extras
            ):
                todo.append(needed)
    return list(found.values())


def test_every_library_module_of_the_image_compiles(tmp_path: Path) -> None:
    """compileall fails the build on a file it cannot compile: none of the web extra's is one."""
    closure = _web_closure()
    names = {d.metadata["Name"].lower() for d in closure}
    assert {"nicegui", "redis", "limits", "cryptography", "boto3"} <= names
    copied = 0
    for distribution in closure:
        for file in distribution.files or []:
            source = Path(str(distribution.locate_file(file)))
            if source.suffix == ".py" and source.is_file():
                target = tmp_path / str(file)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                copied += 1
    assert copied > 1000
    result = subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-j", "0", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
