"""Runs the whole portal in one terminal: web server, Celery worker, scheduler and AWS sandbox.

`make run` calls this after migrating. Ctrl-C (or SIGTERM) stops every process; if one of
them dies, the others are stopped too, so nothing is left running half-way.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


# The sandbox's account; the portal's development defaults for the SNS hooks' topics
# (portal/settings.py, "SNS webhooks") are topics of this account, the ones subscribed here.
SANDBOX_ACCOUNT = "123456789012"


def _events_topic() -> str:
    region = os.environ.get("AWS_REGION") or "us-east-1"
    return os.environ.get("EUM_EVENTS_TOPIC_ARN") or (
        f"arn:aws:sns:{region}:{SANDBOX_ACCOUNT}:portal-sms-events"
    )


def _registration_topic_name() -> str:
    """The sandbox publishes registration events on <its account and region>:<this name>."""
    arns = [a.strip() for a in os.environ.get("SNS_REGISTRATION_TOPIC_ARNS", "").split(",")]
    arns = [a for a in arns if a]
    return arns[0].rsplit(":", 1)[-1] if arns else "eum-registration-events"


def _commands(host: str, port: int, sandbox_port: int, var_dir: Path) -> dict[str, list[str]]:
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "portal"]
    return {
        # The local AWS sandbox; its registration events go to the portal's SNS webhook.
        "sandbox": [python, "-m", "sandbox", "serve", "--host", "127.0.0.1",
                    "--port", str(sandbox_port), "--state", str(var_dir / "sandbox.sqlite3"),
                    "--review-delay", "20",
                    "--registration-events-url",
                    f"http://{host}:{port}/hooks/sns/registrations/",
                    "--registration-events-topic", _registration_topic_name(),
                    # SMS delivery events of the tenants' configuration sets (messaging).
                    "--subscribe", f"{_events_topic()}=http://{host}:{port}/hooks/sns/delivery/"],
        "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        "worker": [*celery, "worker", "--loglevel=INFO", "--queues=default,aws,mail,webhooks",
                   "--concurrency=2", "--pool=threads"],
        "beat": [*celery, "beat", "--loglevel=INFO",
                 f"--schedule={var_dir / 'celery' / 'beat-schedule'}"],
    }  # fmt: skip


def _sync_catalog_when_ready(sandbox_port: int) -> None:
    """Loads the registration forms from the sandbox once it answers (one-shot, background)."""
    url = f"http://127.0.0.1:{sandbox_port}/_sandbox/health"
    for _ in range(60):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            time.sleep(0.5)
    result = subprocess.run(
        [sys.executable, "manage.py", "catalog_sync"], cwd=BASE_DIR, capture_output=True, text=True
    )
    lines = (result.stdout or result.stderr).strip().splitlines()
    print(f"[run] catalog sync: {lines[0] if lines else result.returncode}", flush=True)


def _stop(processes: dict[str, subprocess.Popen]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--sandbox-port", type=int, default=4599)
    args = parser.parse_args(argv)
    var_dir = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var")).resolve()
    (var_dir / "celery").mkdir(parents=True, exist_ok=True)

    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    for name, command in _commands(args.host, args.port, args.sandbox_port, var_dir).items():
        # Each child gets its own process group so that Ctrl-C reaches only this supervisor,
        # which then stops the children in order.
        processes[name] = subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True)
        print(f"[run] started {name} (pid {processes[name].pid})", flush=True)
    threading.Thread(
        target=_sync_catalog_when_ready, args=(args.sandbox_port,), daemon=True
    ).start()
    print(f"[run] portal on http://{args.host}:{args.port}/ — Ctrl-C stops everything", flush=True)
    exit_code = 0
    try:
        while not stopping:
            for name, proc in processes.items():
                if proc.poll() is not None:
                    print(
                        f"[run] {name} exited with {proc.returncode}; stopping the rest", flush=True
                    )
                    exit_code = proc.returncode or 1
                    stopping = True
                    break
            time.sleep(0.5)
    finally:
        print("[run] stopping…", flush=True)
        _stop(processes)
    return exit_code


if __name__ == "__main__":
    raise SystemExit(main())
