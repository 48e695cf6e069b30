"""State: plain dicts in memory, written through to SQLite when a state file is given.

Every resource is a JSON-able dict kept under ``(kind, account, id)``. Callers hold
``Store.lock`` (a re-entrant lock) for the whole of an operation, so that the emulator behaves as
if every call were serialised; ``commit`` flushes the rows changed by that operation.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator

_SCHEMA = """
CREATE TABLE IF NOT EXISTS resources (
    kind TEXT NOT NULL, account TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (kind, account, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    def __init__(self, path: str | None = None):
        self.lock = threading.RLock()
        self.path = path
        self._data: dict[str, dict[tuple[str, str], dict]] = {}
        self._meta: dict[str, object] = {}
        self._dirty: set[tuple[str, str, str]] = set()
        self._meta_dirty: set[str] = set()
        self._db = None
        if path:
            self._db = sqlite3.connect(path, check_same_thread=False)
            self._db.executescript(_SCHEMA)
            self._load()

    def _load(self) -> None:
        for kind, account, rid, data in self._db.execute(
            "SELECT kind, account, id, data FROM resources ORDER BY rowid"
        ):
            self._data.setdefault(kind, {})[(account, rid)] = json.loads(data)
        for key, value in self._db.execute("SELECT key, value FROM meta"):
            self._meta[key] = json.loads(value)

    # -- resources -------------------------------------------------------------------------
    def get(self, kind: str, account: str, rid: str) -> dict | None:
        return self._data.get(kind, {}).get((account, rid))

    def put(self, kind: str, account: str, rid: str, obj: dict) -> dict:
        self._data.setdefault(kind, {})[(account, rid)] = obj
        self._dirty.add((kind, account, rid))
        return obj

    def touch(self, kind: str, account: str, rid: str) -> None:
        """Mark an object changed in place so that the next commit writes it."""
        self._dirty.add((kind, account, rid))

    def delete(self, kind: str, account: str, rid: str) -> None:
        self._data.get(kind, {}).pop((account, rid), None)
        self._dirty.add((kind, account, rid))

    def items(self, kind: str, account: str | None = None) -> Iterator[dict]:
        for (acct, _), obj in list(self._data.get(kind, {}).items()):
            if account is None or acct == account:
                yield obj

    def entries(self, kind: str) -> Iterator[tuple[str, dict]]:
        """``(account, object)`` pairs of one kind."""
        for (acct, _), obj in list(self._data.get(kind, {}).items()):
            yield acct, obj

    def count(self, kind: str, account: str) -> int:
        return sum(1 for acct, _ in self._data.get(kind, {}) if acct == account)

    # -- small named values (signing key, counters) -----------------------------------------
    def meta_get(self, key: str, default=None):
        return self._meta.get(key, default)

    def meta_set(self, key: str, value) -> None:
        self._meta[key] = value
        self._meta_dirty.add(key)

    def meta_prefixed(self, prefix: str) -> dict:
        """Every named value whose key starts with `prefix` (keys without it)."""
        return {k[len(prefix) :]: v for k, v in self._meta.items() if k.startswith(prefix)}

    # -- persistence -------------------------------------------------------------------------
    def commit(self) -> None:
        if self._db is None:
            self._dirty.clear()
            self._meta_dirty.clear()
            return
        if not self._dirty and not self._meta_dirty:
            return
        with self._db:
            for kind, account, rid in self._dirty:
                obj = self._data.get(kind, {}).get((account, rid))
                if obj is None:
                    self._db.execute(
                        "DELETE FROM resources WHERE kind=? AND account=? AND id=?",
                        (kind, account, rid),
                    )
                else:
                    self._db.execute(
                        "INSERT OR REPLACE INTO resources (kind, account, id, data) "
                        "VALUES (?, ?, ?, ?)",
                        (kind, account, rid, json.dumps(obj)),
                    )
            for key in self._meta_dirty:
                self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    (key, json.dumps(self._meta[key])),
                )
        self._dirty.clear()
        self._meta_dirty.clear()

    def clear(self, keep_meta: tuple[str, ...] = ()) -> None:
        """Forget every resource (and meta values other than ``keep_meta``)."""
        self._data.clear()
        self._meta = {k: v for k, v in self._meta.items() if k in keep_meta}
        self._dirty.clear()
        self._meta_dirty.clear()
        if self._db is not None:
            with self._db:
                self._db.execute("DELETE FROM resources")
                marks = ",".join("?" for _ in keep_meta) or "''"
                self._db.execute(f"DELETE FROM meta WHERE key NOT IN ({marks})", keep_meta)

    def close(self) -> None:
        if self._db is not None:
            self.commit()
            self._db.close()
            self._db = None
