"""Cold start and warm per-call time of each Lambda trigger handler.

Run: `.venv/bin/python bench/triggers.py [--runs 9] [--calls 2000]`

Cold start: a fresh interpreter per run (`python -c`), which parses the event JSON, then measures
`import functions.<module>` plus the first `handler(event, None)` call (wall time with
time.perf_counter, CPU time with time.process_time). Interpreter start-up itself is printed
separately and is not part of the figure. Two variants: a bare interpreter, and one that has first
imported what the Lambda runtime interface client (awslambdaric) imports before the handler. A
third table imports a copy of functions/ without .pyc. "(settings.py alone)" is the import of
functions/settings.py that every trigger pays.

Create really sends: its first call imports boto3, builds the DynamoDB and SES v2 clients, reads
and conditionally writes the account's limits record, signs the email request and posts it, all
to a local stub (a stdlib HTTP server in this process that answers DynamoDB GetItem/PutItem and
SES SendEmail), reached through AWS_ENDPOINT_URL like the offline emulator. Verify is measured
twice: the right code (no boto3) and a wrong code (which records the failure in DynamoDB). So
the figure contains everything but the network latency to real SES. Warm: the same handlers
called in this process (log lines still formatted, written to /dev/null); Create against the
same stub.

A last table scales each cold start to the memory infra/auth.py configures for the trigger:
Lambda gives CPU in proportion to memory, one vCPU at 1,769 MB, so the CPU part is multiplied by
max(1, 1769 / memory_mb) and the rest of the wall time (waiting on the stub) is added unchanged.
That assumes this machine's core runs Python like a Lambda vCPU (Graviton, arm64): a model for
sizing, not a measurement on Lambda.

This is a benchmark, not a test: it prints figures and the targets, it never fails on timing.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions.code_state import STATE_PARAMETER, encode_state  # noqa: E402
from functions.new_codes import new_code_state  # noqa: E402
from functions.settings import LIMITS_TABLE_ENV  # noqa: E402

REGION = "us-east-1"
LAMBDA_MB_PER_VCPU = 1769
COGNITO_LIMIT_MS = 5000.0
CODE = "246810"
WRONG_CODE = "135791"
TARGETS_MS = {
    "define_auth_challenge": 20.0,
    "verify_auth_challenge": 20.0,
    "create_auth_challenge": 400.0,
}
# Each case is "<module>" or "<module>:<variant>" (the same module, another event).
HANDLERS = (
    "define_auth_challenge",
    "verify_auth_challenge",
    "verify_auth_challenge:wrong",
    "create_auth_challenge",
    "custom_message",
    "post_authentication",
)


def module_of(case: str) -> str:
    return case.split(":", 1)[0]


class SesStub(BaseHTTPRequestHandler):
    """Answers SES v2 SendEmail (POST /v2/email/outbound-emails) and DynamoDB GetItem/PutItem
    (an empty table that accepts every write) the way the services do."""

    sent = 0
    table_calls = 0

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if str(self.headers.get("X-Amz-Target", "")).startswith("DynamoDB_"):
            SesStub.table_calls += 1
            body, content_type = b"{}", "application/x-amz-json-1.0"
        else:
            SesStub.sent += 1
            body = json.dumps({"MessageId": f"bench-{SesStub.sent}"}).encode()
            content_type = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log."""


def start_stub() -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SesStub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def base(trigger_source: str, request: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": trigger_source,
        "region": REGION,
        "userPoolId": f"{REGION}_Bench0001",
        "userName": "6f1e0c7a-3b1d-4f43-9d51-2a0b1f0e8c11",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "benchclient"},
        "request": request,
        "response": {},
    }


def events() -> dict[str, dict[str, Any]]:
    """One realistic event per handler (the success path: the most work)."""
    attributes = {
        "sub": "6f1e0c7a-3b1d-4f43-9d51-2a0b1f0e8c11",
        "email": "alice@example.com",
        "email_verified": "true",
        "locale": "ja",
    }
    state = encode_state(
        new_code_state(
            CODE, code_number=1, issued_at=int(time.time()), ttl_seconds=3600, attempts_allowed=3
        )
    )
    srp = {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
    pv = {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": None}
    cc = {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": state}
    metadata = {"locale": "en"}
    return {
        "define_auth_challenge": base(
            "DefineAuthChallenge_Authentication",
            {"userAttributes": attributes, "session": [srp, pv, cc], "clientMetadata": metadata},
        ),
        "verify_auth_challenge": base(
            "VerifyAuthChallengeResponse_Authentication",
            {
                "userAttributes": attributes,
                "privateChallengeParameters": {STATE_PARAMETER: state},
                "challengeAnswer": CODE,
                "clientMetadata": metadata,
            },
        ),
        "verify_auth_challenge:wrong": base(
            "VerifyAuthChallengeResponse_Authentication",
            {
                "userAttributes": attributes,
                "privateChallengeParameters": {STATE_PARAMETER: state},
                "challengeAnswer": WRONG_CODE,
                "clientMetadata": metadata,
            },
        ),
        "create_auth_challenge": base(
            "CreateAuthChallenge_Authentication",
            {
                "userAttributes": attributes,
                "challengeName": "CUSTOM_CHALLENGE",
                "session": [srp, pv],
                "clientMetadata": metadata,
            },
        ),
        "custom_message": base(
            "CustomMessage_SignUp",
            {"userAttributes": attributes, "codeParameter": "{####}", "usernameParameter": None},
        ),
        "post_authentication": base(
            "PostAuthentication_Authentication",
            {"userAttributes": attributes, "newDeviceUsed": False, "clientMetadata": metadata},
        ),
    }


# What the Lambda runtime interface client (awslambdaric: bootstrap.py, lambda_runtime_log_utils.py,
# lambda_runtime_marshaller.py) has already imported before it imports the handler's module.
LAMBDA_RUNTIME_PRELOADS = (
    "importlib, json, logging, os, sys, time, traceback, datetime, enum, decimal, math"
)

COLD_SCRIPT = """
import json, sys, time
{preload}
event = json.loads(sys.stdin.read())
cpu = time.process_time()
started = time.perf_counter()
import functions.{module} as trigger
imported = time.perf_counter()
if hasattr(trigger, "handler"):
    trigger.handler(event, None)
done = time.perf_counter()
print("BENCH " + json.dumps({{"import": imported - started, "total": done - started,
      "cpu": time.process_time() - cpu, "boto3": "boto3" in sys.modules}}))
"""


def child_env(endpoint: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "AWS_REGION": REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "SENDER_EMAIL": "no-reply@example.com",
        "APP_NAME": "Bench App",
        LIMITS_TABLE_ENV: "bench-limits",
    }


def cold_start(
    module: str,
    event: dict[str, Any],
    env: dict[str, str],
    *,
    preload: bool,
    bytecode: bool = True,
) -> dict[str, Any]:
    """One fresh interpreter: import + first call, optionally after the runtime's own imports.

    bytecode=False imports a copy of functions/ without __pycache__ and writes no bytecode, so
    our modules (only ours: the standard library and boto3 keep theirs) are compiled from source
    at every start, as on Lambda when the archive ships no .pyc (its disk is read-only).
    """
    code = COLD_SCRIPT.format(
        module=module_of(module), preload=f"import {LAMBDA_RUNTIME_PRELOADS}" if preload else ""
    )
    with tempfile.TemporaryDirectory(prefix="bench-functions-") as copy_root:
        cwd = ROOT
        if not bytecode:
            shutil.copytree(
                ROOT / "functions",
                Path(copy_root) / "functions",
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            env = {**env, "PYTHONPATH": copy_root, "PYTHONDONTWRITEBYTECODE": "1"}
            cwd = Path(copy_root)
        result = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(event),
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=120,
            check=True,
        )
    line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH "))
    figures: dict[str, Any] = json.loads(line[len("BENCH ") :])
    return figures


def interpreter_startup(env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def warm(call: Callable[[], object], calls: int) -> float:
    """Median per-call seconds over 5 batches of `calls` calls, after one warm-up call.

    The log lines are still formatted and written (their cost is real), to /dev/null.
    """
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        call()
        batches = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(calls):
                call()
            batches.append((time.perf_counter() - started) / calls)
    return statistics.median(batches)


HEADER = (
    f"{'handler':<24}{'import':>8}{'1st call':>10}{'total':>8}{'min':>8}{'cpu':>8}{'target':>8}"
    "  boto3\n" + " " * 24 + "(ms; import, 1st call, total = median wall; min = fastest wall run;"
    " cpu = median process CPU)"
)


def row(module: str, runs: list[dict[str, Any]]) -> str:
    """One table line: medians of wall and CPU time, the fastest run, and the target."""
    total = statistics.median(r["total"] for r in runs) * 1000
    imported = statistics.median(r["import"] for r in runs) * 1000
    fastest = min(r["total"] for r in runs) * 1000
    cpu = statistics.median(r["cpu"] for r in runs) * 1000
    target = TARGETS_MS.get(module)
    verdict = "" if target is None else f"{target:.0f}"
    if module == "settings":
        module = "(settings.py alone)"
    return (
        f"{module:<24}{imported:>8.1f}{total - imported:>10.1f}{total:>8.1f}{fastest:>8.1f}"
        f"{cpu:>8.1f}{verdict:>8}  {'yes' if runs[0]['boto3'] else 'no'}"
    )


def trigger_memory() -> dict[str, int]:
    """Module -> memory_mb, as the stack deploys it (infra/auth.py TRIGGERS)."""
    from infra.auth import TRIGGERS

    return {trigger.module: trigger.memory_mb for trigger in TRIGGERS}


def scaled_ms(runs: list[dict[str, Any]], memory_mb: int) -> tuple[float, float]:
    """(CPU ms, estimated wall ms) of the median cold start at `memory_mb` on Lambda."""
    cpu = statistics.median(r["cpu"] for r in runs) * 1000
    wall = statistics.median(r["total"] for r in runs) * 1000
    factor = max(1.0, LAMBDA_MB_PER_VCPU / memory_mb)
    return cpu * factor, cpu * factor + max(0.0, wall - cpu)


def print_scaled(cold: dict[str, list[dict[str, Any]]]) -> None:
    memory = trigger_memory()
    print(
        f"\nCold start scaled to the configured memory (CPU x max(1, {LAMBDA_MB_PER_VCPU}/MB) "
        "+ the rest of the wall time), after the runtime's imports"
    )
    print(f"{'handler':<30}{'MB':>6}{'vCPU':>6}{'cpu ms':>9}{'est. ms':>9}{'of 5 s':>8}")
    for case, runs in cold.items():
        module = module_of(case)
        if module not in memory:
            continue
        mb = memory[module]
        cpu, wall = scaled_ms(runs, mb)
        share = wall / COGNITO_LIMIT_MS
        print(
            f"{case:<30}{mb:>6}{mb / LAMBDA_MB_PER_VCPU:>6.2f}{cpu:>9.0f}{wall:>9.0f}{share:>8.0%}"
        )
        if mb != 256:
            cpu256, wall256 = scaled_ms(runs, 256)
            print(
                f"{'  (same at 256 MB)':<30}{256:>6}{256 / LAMBDA_MB_PER_VCPU:>6.2f}{cpu256:>9.0f}"
                f"{wall256:>9.0f}{wall256 / COGNITO_LIMIT_MS:>8.0%}"
            )


def call_with_copy(handler: Callable[[Any, Any], Any], event: dict[str, Any]) -> object:
    """Each call gets a fresh copy, as each Lambda invocation gets a freshly parsed event."""
    return handler(json.loads(json.dumps(event)), None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh interpreters per handler")
    parser.add_argument("--calls", type=int, default=2000, help="warm calls per batch")
    args = parser.parse_args()

    compileall.compile_dir(str(ROOT / "functions"), quiet=1)  # as a packaged archive would ship
    server = start_stub()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    env = child_env(endpoint)
    samples = events()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs, "
        f"load average {load:.2f} at start"
    )
    startup_ms = interpreter_startup(env, args.runs) * 1000
    print(f"interpreter start-up alone (python -c pass): {startup_ms:.1f} ms median")
    cold: dict[str, list[dict[str, Any]]] = {}
    for preload in (False, True):
        title = "after the Lambda runtime's own imports" if preload else "bare interpreter"
        print(f"\nCold start ({title}): import + first call, median of {args.runs} runs")
        if preload:
            print(f"  preloaded: {LAMBDA_RUNTIME_PRELOADS}")
        print(HEADER)
        for module in (*HANDLERS, "settings"):
            event = samples.get(module, {})
            runs = [cold_start(module, event, env, preload=preload) for _ in range(args.runs)]
            print(row(module, runs))
            if preload:
                cold[module] = runs
    print_scaled(cold)
    print("\nOur modules without .pyc (compiled at start-up), after the runtime's imports")
    print(HEADER)
    for module in (
        "define_auth_challenge",
        "verify_auth_challenge",
        "verify_auth_challenge:wrong",
        "create_auth_challenge",
    ):
        runs = [
            cold_start(module, samples[module], env, preload=True, bytecode=False)
            for _ in range(args.runs)
        ]
        print(row(module, runs))

    for key, value in env.items():
        if key != "PATH":
            os.environ[key] = value
    import importlib

    modules = {name: importlib.import_module(f"functions.{module_of(name)}") for name in HANDLERS}
    print("\nWarm: per call in one process (median of 5 batches)")
    print(f"{'handler':<24}{'calls':>7}{'us/call':>10}")
    for name in HANDLERS:
        slow = name in ("create_auth_challenge", "verify_auth_challenge:wrong")
        calls = max(20, args.calls // 20) if slow else args.calls
        event = samples[name]
        seconds = warm(partial(call_with_copy, modules[name].handler, event), calls)
        print(f"{name:<24}{calls:>7}{seconds * 1e6:>10.1f}")
    print(
        f"\n(The stub answered {SesStub.sent} SendEmail and {SesStub.table_calls} DynamoDB calls; "
        "Create's and wrong-code Verify's warm figures include the local HTTP round trips and "
        "the JSON copy of the event.)"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
