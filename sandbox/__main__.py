"""``python -m sandbox serve [--host H] [--port P] [--state FILE] ...``"""

from __future__ import annotations

import signal
import sys

from .server import make_server, stop
from .settings import build_parser, settings_from


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    values = {k: v for k, v in vars(args).items() if k != "command"}
    try:
        settings = settings_from(values)
    except ValueError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 2
    server, app = make_server(settings)

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    print(
        f"sandbox listening on {settings.base_url} (state: {settings.state or 'memory'})",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop(server, app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
