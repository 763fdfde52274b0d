#!/usr/bin/env python3
"""One entry point for a fresh machine that has only Python 3.11+.

`python3 dev.py run` serves the web app on the embedded emulator; `python3 dev.py test` runs the
whole test suite (installing Debian's chromium, redis-server and npm for it when run as root, and
axe-core with `npm ci` for the accessibility tests). Each creates `.venv` on first use and
installs exactly the extras it needs, so the README's two commands stay true without any manual
set-up. It uses only the standard library.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
REDIS_CANDIDATES = ("/usr/bin/redis-server",)
NPM_CANDIDATES = ("/usr/bin/npm",)
E2E_NODE = ROOT / "tests" / "e2e"  # package.json + package-lock.json: axe-core for the a11y tests
AXE_CORE = E2E_NODE / "node_modules" / "axe-core" / "axe.min.js"
_APT_UPDATED: list[bool] = []  # apt-get update once per run
EXTRAS = {"run": "web,emulator", "emulator": "emulator", "test": "dev", "lint": "dev"}


def _stamp_for(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    return f"{extras}:{digest}"


def ensure_environment(extras: str) -> None:
    """Create the venv and install the extras unless the same pyproject was installed already."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may run on an older python3
        sys.exit("Python 3.11 or newer is required.")
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp_file = VENV / "installed.txt"
    installed = stamp_file.read_text().split() if stamp_file.exists() else []
    wanted = _stamp_for(extras)
    full = _stamp_for("dev")
    if wanted in installed or full in installed:
        return
    print(f"Installing dependencies ({extras}) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, f"{ROOT}[{extras}]"], check=True)
    stamp_file.write_text("\n".join([*installed, wanted]) + "\n")


def find_binary(env_name: str, candidates: tuple[str, ...], name: str) -> str | None:
    configured = os.environ.get(env_name)
    if configured:
        return configured
    for candidate in candidates:
        if Path(candidate).exists():
            return candidate
    return shutil.which(name)


def ensure_debian_package(env_name: str, candidates: tuple[str, ...], package: str) -> str:
    """A binary the tests need from Debian; installed with apt when we are root on Debian."""
    found = find_binary(env_name, candidates, package)
    if found:
        return found
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print(f"Installing Debian's {package} for the tests ...", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if not _APT_UPDATED:
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
            _APT_UPDATED.append(True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
            check=True,
            env=env,
        )
        found = find_binary(env_name, candidates, package)
        if found:
            return found
    sys.exit(
        f"The tests need {package}. Install it (Debian/Ubuntu: `sudo apt-get install "
        f"{package}`) or point {env_name} at its binary, then run this again."
    )


def ensure_chromium() -> str:
    """The browser tests need Debian's Chromium."""
    return ensure_debian_package("CHROMIUM_PATH", CHROMIUM_CANDIDATES, "chromium")


def ensure_redis_server() -> str:
    """The shared-session tests run a real redis-server (they start their own, on loopback)."""
    return ensure_debian_package("REDIS_SERVER_PATH", REDIS_CANDIDATES, "redis-server")


def ensure_axe_core() -> str:
    """axe-core (MPL-2.0, from npm) for the accessibility tests: `npm ci` from the lock file
    when node_modules is missing or was installed from another lock file."""
    configured = os.environ.get("AXE_CORE_PATH")
    if configured:
        return configured
    lock = E2E_NODE / "package-lock.json"
    digest = hashlib.sha256(lock.read_bytes()).hexdigest()[:16]
    stamp_file = E2E_NODE / "node_modules" / ".dev-py-lock"
    if AXE_CORE.exists() and stamp_file.exists() and stamp_file.read_text().strip() == digest:
        return str(AXE_CORE)
    npm = ensure_debian_package("NPM_PATH", NPM_CANDIDATES, "npm")
    print("Installing axe-core for the accessibility tests (npm ci) ...", flush=True)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=E2E_NODE, check=True
    )
    stamp_file.write_text(digest + "\n")
    return str(AXE_CORE)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command not in EXTRAS:
        print(__doc__)
        print("Commands: run | test [pytest args] | emulator [--port N] | lint")
        return 0 if command in {"help", "-h", "--help"} else 2
    ensure_environment(EXTRAS[command])
    env = {**os.environ}
    env.pop("PYTEST_CURRENT_TEST", None)
    if command == "run":
        args = [str(PYTHON), "-m", "webapp", *rest]
    elif command == "emulator":
        args = [str(PYTHON), "-m", "emulator", *rest]
    elif command == "lint":
        for step in (
            ["-m", "ruff", "check", "."],
            ["-m", "ruff", "format", "--check", "."],
            ["-m", "mypy"],
        ):
            result = subprocess.run([str(PYTHON), *step], cwd=ROOT, env=env, check=False)
            if result.returncode:
                return result.returncode
        return 0
    else:
        env["CHROMIUM_PATH"] = ensure_chromium()
        env["REDIS_SERVER_PATH"] = ensure_redis_server()
        env["AXE_CORE_PATH"] = ensure_axe_core()
        args = [str(PYTHON), "-m", "pytest", *rest]
    if command in {"run", "emulator"}:
        # Become the server: a SIGTERM sent to this process (a process manager, `timeout`)
        # then stops it, instead of leaving it running on its port after this script exits.
        os.chdir(ROOT)
        os.execve(args[0], args, env)  # noqa: S606 (this venv's python, our own arguments)
    return subprocess.run(args, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
