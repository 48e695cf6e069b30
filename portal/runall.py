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
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _commands(host: str, port: int, sandbox_port: int, var_dir: Path) -> dict[str, list[str]]:
    python = sys.executable
    commands = {
        "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--loglevel=INFO",
            "--queues=default,aws,mail,webhooks",
            "--concurrency=2",
            "--pool=threads",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "portal",
            "beat",
            "--loglevel=INFO",
            f"--schedule={var_dir / 'celery' / 'beat-schedule'}",
        ],
    }
    if (BASE_DIR / "sandbox" / "__main__.py").exists():
        commands = {
            "sandbox": [
                python,
                "-m",
                "sandbox",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(sandbox_port),
                "--state",
                str(var_dir / "sandbox.sqlite3"),
            ],
            **commands,
        }
    return commands


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
