"""The review simulator: moves submitted versions through review to a decision.

Submitted versions go SUBMITTED -> (AWS_REVIEWING when AwsReview) -> REVIEWING -> APPROVED or
DENIED. A version with missing required fields is denied within seconds (as AWS does). In
``auto`` mode the checks in ``checks.py`` decide; in ``manual`` mode the version waits in
REVIEWING for the control API. With a review delay of 0 everything happens inside the submit
call (after its response is built), which keeps tests deterministic.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time

from . import checks, lifecycle

MISSING_FIELD_DELAY = 3.0


class Reviewer:
    def __init__(self, app):
        self.app = app
        self._queue: list = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="sandbox-review", daemon=True)
        self._thread.start()

    # -- scheduling -----------------------------------------------------------------------------
    def submitted(self, reg: dict, item: dict) -> None:
        delay = self.app.settings.review_delay
        key = (reg["_account"], reg["RegistrationId"], item["VersionNumber"])
        if delay <= 0:
            self.step(key, "all")
            return
        values = item["_values"]
        missing = checks.missing_fields(self.app.catalog, reg["RegistrationType"], values)
        decide_at = min(delay, MISSING_FIELD_DELAY) if missing else delay
        self._schedule(decide_at / 2, key, "review")
        self._schedule(decide_at, key, "decide")

    def resume(self) -> None:
        """After a restart: versions that were under review carry on being reviewed."""
        for reg in self.app.store.items("registration"):
            item = lifecycle.latest(reg)
            if item["RegistrationVersionStatus"] in ("SUBMITTED", "AWS_REVIEWING", "REVIEWING"):
                key = (reg["_account"], reg["RegistrationId"], item["VersionNumber"])
                self._schedule(max(self.app.settings.review_delay, 0.0), key, "all")

    def _schedule(self, after: float, key: tuple, step: str) -> None:
        with self._cond:
            heapq.heappush(self._queue, (time.monotonic() + after, next(self._seq), key, step))
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop and (not self._queue or self._queue[0][0] > time.monotonic()):
                    wait = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(wait)
                if self._stop:
                    return
                _, _, key, step = heapq.heappop(self._queue)
            with self.app.store.lock:
                try:
                    self.step(key, step)
                finally:
                    self.app.store.commit()

    def clear(self) -> None:
        with self._cond:
            self._queue.clear()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()

    # -- steps ---------------------------------------------------------------------------------
    def _find(self, key: tuple):
        account, rid, number = key
        reg = self.app.store.get("registration", account, rid)
        if reg is None:
            return None, None
        for item in reg["_versions"]:
            if item["VersionNumber"] == number:
                return reg, item
        return reg, None

    def step(self, key: tuple, step: str) -> None:
        reg, item = self._find(key)
        if item is None or item["RegistrationVersionStatus"] not in lifecycle.VERSION_IN_REVIEW:
            return
        if step in ("review", "all"):
            self.to_reviewing(reg, item)
        if step in ("decide", "all"):
            self.decide(reg, item)

    def to_reviewing(self, reg: dict, item: dict) -> None:
        app = self.app
        if item["RegistrationVersionStatus"] == "SUBMITTED" and item.get("_aws_review"):
            lifecycle.set_version_status(app, reg, item, "AWS_REVIEWING")
            lifecycle.set_registration_status(app, reg, "AWS_REVIEWING")
        if item["RegistrationVersionStatus"] in ("SUBMITTED", "AWS_REVIEWING"):
            lifecycle.set_version_status(app, reg, item, "REVIEWING")
            lifecycle.set_registration_status(app, reg, "REVIEWING")

    def brand_names(self, reg: dict) -> list[str]:
        names = []
        for assoc in reg["_associations"]:
            if assoc["_kind"] != "registration":
                continue
            other = self.app.store.get("registration", reg["_account"], assoc["ResourceId"])
            if other and other.get("ApprovedVersionNumber"):
                values = lifecycle.version(other, other["ApprovedVersionNumber"])["_values"]
                for path in ("companyInfo.companyName", "contactInfo.dbaName"):
                    text = (values.get(path) or {}).get("TextValue")
                    if text:
                        names.append(text)
        return names

    def decide(self, reg: dict, item: dict) -> None:
        app = self.app
        values = item["_values"]
        missing = checks.missing_fields(app.catalog, reg["RegistrationType"], values)
        if missing:
            self.to_reviewing(reg, item)
            reason = "Missing required field"
            lifecycle.deny(
                app,
                reg,
                item,
                [
                    {
                        "Reason": reason,
                        "ShortDescription": reason,
                        "LongDescription": "One or more required fields have no value: "
                        + ", ".join(sorted(missing))
                        + ".",
                        "DocumentationTitle": checks.DOC_STATUS[0],
                        "DocumentationLink": checks.DOC_STATUS[1],
                    }
                ],
                missing,
            )
            return
        if app.settings.review_mode == "manual":
            self.to_reviewing(reg, item)
            return
        review = checks.run(reg["RegistrationType"], values, self.brand_names(reg))
        self.to_reviewing(reg, item)
        if review.reasons:
            lifecycle.deny(app, reg, item, review.denied_reasons(), review.fields)
        elif self._needs_authentication(reg, item):
            # a PUBLIC_PROFIT 10DLC brand waits for the TCR verification e-mail to be answered;
            # the sandbox answers it after another review delay (or the control API approves)
            lifecycle.set_version_status(app, reg, item, "REQUIRES_AUTHENTICATION")
            lifecycle.set_registration_status(app, reg, "REQUIRES_AUTHENTICATION")
            key = (reg["_account"], reg["RegistrationId"], item["VersionNumber"])
            if app.settings.review_delay <= 0:
                lifecycle.approve(app, reg, item)
            else:
                self._schedule(app.settings.review_delay, key, "decide")
        else:
            lifecycle.approve(app, reg, item)

    @staticmethod
    def _needs_authentication(reg: dict, item: dict) -> bool:
        legal = (item["_values"].get("companyInfo.legalType") or {}).get("SelectChoices") or []
        return (
            reg["RegistrationType"] == "US_TEN_DLC_BRAND_REGISTRATION"
            and legal == ["PUBLIC_PROFIT"]
            and item["RegistrationVersionStatus"] == "REVIEWING"
        )

    # -- by hand (control API) -------------------------------------------------------------------
    def manual(self, reg: dict, item: dict, action: str, body: dict) -> None:
        if item["RegistrationVersionStatus"] not in lifecycle.VERSION_IN_REVIEW:
            raise lifecycle.TransitionError(
                f"version {item['VersionNumber']} is {item['RegistrationVersionStatus']}"
            )
        self.to_reviewing(reg, item)
        if action == "approve":
            lifecycle.approve(self.app, reg, item)
            return
        if action == "require-authentication":
            lifecycle.set_version_status(self.app, reg, item, "REQUIRES_AUTHENTICATION")
            lifecycle.set_registration_status(self.app, reg, "REQUIRES_AUTHENTICATION")
            return
        reasons = body.get("DeniedReasons")
        fields = {f["FieldPath"]: f for f in body.get("Fields", [])}
        if not reasons:
            review = checks.run(reg["RegistrationType"], item["_values"], self.brand_names(reg))
            reasons = review.denied_reasons() or [
                {
                    "Reason": "Invalid Overall",
                    "ShortDescription": "Invalid Overall",
                    "LongDescription": "Denied by hand through the sandbox control API.",
                }
            ]
            fields = fields or review.fields
        for reason in reasons:
            reason.setdefault("ShortDescription", reason["Reason"])
        lifecycle.deny(self.app, reg, item, reasons, fields, body.get("Feedback"))
