"""The staff console's tests review registrations made against the sandbox: its per-test
control and the synced catalog are the engine's fixtures (the process is the session's)."""

from tests.registrations.conftest import catalog, sandbox  # noqa: F401
