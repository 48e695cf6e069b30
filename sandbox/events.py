"""Events out of the sandbox: SNS-style HTTP(S) delivery, signed like SNS.

Topics are just ARNs. A subscription ties a topic ARN (``*`` wildcards allowed) to an endpoint
URL. On subscribe the endpoint gets a signed ``SubscriptionConfirmation``; notifications wait
until the subscription is confirmed (``GET <SubscribeURL>``) and then go out as signed
``Notification`` envelopes, from a background thread, with retries on 5xx, timeouts and
connection errors. The signing certificate is served by the sandbox itself.
"""

from __future__ import annotations

import base64
import collections
import datetime
import fnmatch
import hashlib
import heapq
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

SUBSCRIPTION = "subscription"
SNS_ACCOUNT = "_sns"
SIGNED_KEYS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
    "UnsubscribeConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}


def string_to_sign(msg: dict) -> bytes:
    keys = SIGNED_KEYS[msg["Type"]]
    return "".join(f"{k}\n{msg[k]}\n" for k in keys if msg.get(k) is not None).encode("utf-8")


def sns_timestamp(at: float | None = None) -> str:
    moment = datetime.datetime.fromtimestamp(at or time.time(), datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _signing_material(store) -> tuple[rsa.RSAPrivateKey, bytes]:
    key_pem, cert_pem = store.meta_get("sns_key_pem"), store.meta_get("sns_cert_pem")
    if key_pem and cert_pem:
        return serialization.load_pem_private_key(key_pem.encode(), None), cert_pem.encode()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
    issuer = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Amazon"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Sandbox SNS test CA"),
        ]
    )
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_text = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    cert_text = cert.public_bytes(serialization.Encoding.PEM).decode()
    store.meta_set("sns_key_pem", key_text)
    store.meta_set("sns_cert_pem", cert_text)
    store.commit()
    return key, cert_text.encode()


class Events:
    def __init__(self, app):
        self.app = app
        self.key, self.cert_pem = _signing_material(app.store)
        digest = hashlib.md5(self.cert_pem, usedforsecurity=False).hexdigest()
        self.cert_path = f"/SimpleNotificationService-{digest}.pem"
        self.published: collections.deque = collections.deque(maxlen=5000)
        self.deliveries: collections.deque = collections.deque(maxlen=5000)
        self._queue: list = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="sandbox-events", daemon=True)
        self._thread.start()

    # -- signing ------------------------------------------------------------------------------
    @property
    def cert_url(self) -> str:
        return self.app.settings.base_url + self.cert_path

    def sign(self, msg: dict, version: str) -> dict:
        msg = dict(msg, SignatureVersion=version, SigningCertURL=self.cert_url)
        sig = self.key.sign(string_to_sign(msg), padding.PKCS1v15(), HASHES[version]())
        return dict(msg, Signature=base64.b64encode(sig).decode("ascii"))

    # -- subscriptions --------------------------------------------------------------------------
    def subscriptions(self) -> list[dict]:
        return list(self.app.store.items(SUBSCRIPTION, SNS_ACCOUNT))

    def subscribe(
        self,
        topic_arn: str,
        endpoint: str,
        signature_version: str = "1",
        auto_confirm: bool = False,
    ) -> dict:
        concrete = topic_arn.replace("*", "sandbox")
        sub_arn = f"{concrete}:{uuid.uuid4()}"
        sub = {
            "SubscriptionArn": sub_arn,
            "TopicArn": topic_arn,
            "Endpoint": endpoint,
            "SignatureVersion": signature_version,
            "Confirmed": bool(auto_confirm),
            "Token": hashlib.sha256(uuid.uuid4().bytes).hexdigest() * 4,
            "Pending": [],
        }
        self.app.store.put(SUBSCRIPTION, SNS_ACCOUNT, sub_arn, sub)
        if not auto_confirm:
            self.send_confirmation(sub)
        return sub

    def send_confirmation(self, sub: dict) -> None:
        """POST a signed SubscriptionConfirmation (again, for a restart) to the endpoint."""
        concrete = sub["TopicArn"].replace("*", "sandbox")
        base = self.app.settings.base_url
        query = urllib.parse.urlencode(
            {"Action": "ConfirmSubscription", "TopicArn": concrete, "Token": sub["Token"]},
            safe=":",
        )
        msg = {
            "Type": "SubscriptionConfirmation",
            "MessageId": str(uuid.uuid4()),
            "Token": sub["Token"],
            "TopicArn": concrete,
            "Message": f"You have chosen to subscribe to the topic {concrete}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message.",
            "SubscribeURL": f"{base}/?{query}",
            "Timestamp": sns_timestamp(),
        }
        self._enqueue(sub, self.sign(msg, sub["SignatureVersion"]))

    def confirm(self, topic_arn: str, token: str) -> dict | None:
        for sub in self.subscriptions():
            concrete = sub["TopicArn"].replace("*", "sandbox")
            if (
                sub["Token"] == token
                and topic_arn in (concrete, sub["TopicArn"])
                or (sub["Token"] == token and fnmatch.fnmatchcase(topic_arn, sub["TopicArn"]))
            ):
                sub["Confirmed"] = True
                for topic, message, subject in sub.pop("Pending", []):
                    self._notify(sub, topic, message, subject)
                sub["Pending"] = []
                self.app.store.touch(SUBSCRIPTION, SNS_ACCOUNT, sub["SubscriptionArn"])
                return sub
        return None

    def unsubscribe(self, sub_arn: str) -> bool:
        if self.app.store.get(SUBSCRIPTION, SNS_ACCOUNT, sub_arn) is None:
            return False
        self.app.store.delete(SUBSCRIPTION, SNS_ACCOUNT, sub_arn)
        return True

    # -- publishing -------------------------------------------------------------------------------
    def publish(self, topic_arn: str, message: dict, subject: str | None = None) -> None:
        text = json.dumps(message, separators=(",", ":"))
        self.published.append({"TopicArn": topic_arn, "Message": message, "Time": time.time()})
        for sub in self.subscriptions():
            if not fnmatch.fnmatchcase(topic_arn, sub["TopicArn"]):
                continue
            if sub["Confirmed"]:
                self._notify(sub, topic_arn, text, subject)
            else:
                sub.setdefault("Pending", []).append([topic_arn, text, subject])
                self.app.store.touch(SUBSCRIPTION, SNS_ACCOUNT, sub["SubscriptionArn"])

    def _notify(self, sub: dict, topic_arn: str, text: str, subject: str | None) -> None:
        sub_arn = f"{topic_arn}:{sub['SubscriptionArn'].rsplit(':', 1)[-1]}"
        query = urllib.parse.urlencode(
            {"Action": "Unsubscribe", "SubscriptionArn": sub["SubscriptionArn"]}, safe=":"
        )
        msg = {"Type": "Notification", "MessageId": str(uuid.uuid4()), "TopicArn": topic_arn}
        if subject:
            msg["Subject"] = subject
        msg.update(Message=text, Timestamp=sns_timestamp())
        signed = self.sign(msg, sub["SignatureVersion"])
        signed["UnsubscribeURL"] = f"{self.app.settings.base_url}/?{query}"
        self._enqueue(sub, signed, sub_arn)

    def registration_topic(self, account: str, region: str) -> str:
        return f"arn:aws:sns:{region}:{account}:{self.app.settings.registration_events_topic}"

    def registration_status(self, reg: dict, version: int | None = None) -> None:
        """Emit the EventBridge "Registration Status Change" event for ``reg``."""
        at = time.time()
        account, region = reg["_account"], reg["_region"]
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Registration Status Change",
            "source": "aws.sms-voice",
            "account": account,
            "time": datetime.datetime.fromtimestamp(int(at), datetime.UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "region": region,
            "resources": [reg["RegistrationArn"]],
            "detail": {
                "registrationDetails": {
                    "registrationId": reg["RegistrationId"],
                    "registrationVersionNumber": version or reg["CurrentVersionNumber"],
                    "registrationType": reg["RegistrationType"],
                    "registrationStatusChangeTimestamp": int(at * 1000),
                    "currentStatus": reg["RegistrationStatus"],
                },
                "registrationArn": reg["RegistrationArn"],
            },
        }
        self.publish(self.registration_topic(account, region), event)

    # -- delivery ----------------------------------------------------------------------------------
    def _enqueue(self, sub: dict, envelope: dict, sub_arn: str | None = None) -> None:
        headers = {
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": "Amazon Simple Notification Service Agent",
            "x-amz-sns-message-type": envelope["Type"],
            "x-amz-sns-message-id": envelope["MessageId"],
            "x-amz-sns-topic-arn": envelope["TopicArn"],
        }
        if envelope["Type"] != "SubscriptionConfirmation":
            headers["x-amz-sns-subscription-arn"] = sub_arn or sub["SubscriptionArn"]
        job = {
            "endpoint": sub["Endpoint"],
            "headers": headers,
            "attempt": 0,
            "body": json.dumps(envelope, indent=2).encode("utf-8"),
            "sub": sub["SubscriptionArn"],
            "type": envelope["Type"],
            "id": envelope["MessageId"],
        }
        with self._cond:
            heapq.heappush(self._queue, (time.monotonic(), next(self._seq), job))
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop and (not self._queue or self._queue[0][0] > time.monotonic()):
                    wait = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(wait)
                if self._stop:
                    return
                _, _, job = heapq.heappop(self._queue)
            self._deliver(job)

    def _deliver(self, job: dict) -> None:
        settings = self.app.settings
        job["attempt"] += 1
        request = urllib.request.Request(
            job["endpoint"], data=job["body"], headers=job["headers"], method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.delivery_timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            status = f"error: {exc}"
        self.deliveries.append(
            {
                "Time": time.time(),
                "SubscriptionArn": job["sub"],
                "Endpoint": job["endpoint"],
                "Type": job["type"],
                "MessageId": job["id"],
                "Attempt": job["attempt"],
                "Status": status,
            }
        )
        retry = not isinstance(status, int) or status >= 500
        if retry and job["attempt"] <= settings.delivery_retries:
            with self._cond:
                due = time.monotonic() + settings.delivery_retry_delay
                heapq.heappush(self._queue, (due, next(self._seq), job))
                self._cond.notify()

    def clear(self) -> None:
        with self._cond:
            self._queue.clear()
        self.published.clear()
        self.deliveries.clear()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
