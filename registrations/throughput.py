"""10DLC throughput classes from the brand's vetting score, and what a 10DLC number qualifies for.

AWS's API returns no vetting score: the account holder reads it in AWS's console and staff
record it on the complete vetting registration. The classes are the table of AWS's blog post
"Amazon Pinpoint 10DLC Campaign Types and Quotas for SMS" (Table 1). What a number qualifies
for is not what it sends at: "by default each number associated to a 10DLC campaign supports
1 MPS" until an MPS increase request (an AWS Support case) raises it, which staff then record
on the sender (`parts_per_second_override`). Dispatch reads only that (messaging.checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from registrations import overlay
from registrations.models import Registration, Sender, StatusEvent
from registrations.states import Status

MIN_SCORE = 0
MAX_SCORE = 100
# "By default each number associated to a 10DLC campaign supports 1 MPS."
DEFAULT_NUMBER_MPS = 1.0


@dataclass(frozen=True)
class TenDlcClass:
    name: str
    scores: str  # the score range, as the table writes it
    att_mps: float  # message parts per second (AT&T's limit)
    tmobile_daily: int  # maximum daily messages (T-Mobile & Sprint)


HIGH = TenDlcClass("High", "75–100", 75.0, 200_000)
MEDIUM_HIGH = TenDlcClass("Medium-High", "50–74", 40.0, 40_000)
MEDIUM_LOW = TenDlcClass("Medium-Low", "1–49", 4.0, 10_000)
BASIC = TenDlcClass("Basic", "0, skipped vetting", 0.2, 2_000)


def ten_dlc_class(score: int) -> TenDlcClass:
    """The 10DLC class of a vetting score (0–100); any other value is refused."""
    if isinstance(score, bool) or not isinstance(score, int):
        raise ValueError("A vetting score is a whole number.")
    if not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"A vetting score is from {MIN_SCORE} to {MAX_SCORE}.")
    if score >= 75:
        return HIGH
    if score >= 50:
        return MEDIUM_HIGH
    if score >= 1:
        return MEDIUM_LOW
    return BASIC


@dataclass(frozen=True)
class Qualification:
    """What a 10DLC number's campaign qualifies for at the carriers, and why."""

    ten_dlc_class: TenDlcClass
    reason: str
    vetting: Registration | None = None

    @property
    def increase_due(self) -> bool:
        """The class allows more than a number's default 1 MPS: an MPS increase request."""
        return self.ten_dlc_class.att_mps > DEFAULT_NUMBER_MPS


def vetting_completed_at(vetting: Registration) -> datetime | None:
    """When the vetting registration first became COMPLETE (its timeline)."""
    event = (
        StatusEvent.objects.filter(registration=vetting, to_status=Status.COMPLETE)
        .order_by("created_at", "id")
        .first()
    )
    if event is not None:
        return event.created_at
    return vetting.aws_status_at if vetting.status == Status.COMPLETE else None


def qualification(sender: Sender) -> Qualification | None:
    """For a 10DLC number: the class of its brand's vetting score when the campaign was created
    at AWS after that vetting completed; otherwise Basic, with the reason. None for any other
    sender (toll-free, short code, sender ID: no vetting classes)."""
    if sender.kind != Sender.Kind.PHONE_NUMBER or sender.number_type != "TEN_DLC":
        return None
    campaign = sender.registration
    brand = campaign.depends_on if campaign is not None else None
    if campaign is None or brand is None:
        return Qualification(BASIC, "No campaign and brand are recorded for this number.")
    vettings = list(
        Registration.objects.filter(
            depends_on=brand, registration_type=overlay.VETTING, status=Status.COMPLETE
        ).order_by("-created_at", "-id")
    )
    scored = [v for v in vettings if v.vetting_score is not None]
    if not vettings:
        return Qualification(BASIC, "The brand has no complete vetting (vetting skipped).")
    if not scored:
        return Qualification(
            BASIC, "The brand's vetting is complete but its score is not recorded yet."
        )
    created = campaign.submitted_at or campaign.created_at
    applied = []
    for vetting in scored:
        completed = vetting_completed_at(vetting)
        if completed is not None and completed <= created:
            applied.append((completed, vetting))
    if not applied:
        return Qualification(
            BASIC,
            "Vetting not applied retroactively: the campaign was created before the brand's "
            "vetting completed.",
            vetting=scored[0],
        )
    _, vetting = max(applied, key=lambda pair: (pair[0], pair[1].pk))
    return Qualification(
        ten_dlc_class(vetting.vetting_score),
        f"Brand vetting score {vetting.vetting_score}, completed before the campaign was created.",
        vetting=vetting,
    )
