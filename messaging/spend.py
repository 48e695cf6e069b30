"""The spend ledger behind the monthly spend cap: one `MonthlySpend` row per tenant and month.

Acceptance reserves a message's estimated price (a batch's accepted messages as a whole) with a
conditional UPDATE of that row (`reserved + amount <= cap`), inside the transaction that inserts
the messages. The UPDATE takes the row's lock (PostgreSQL) or the database's write lock
(SQLite) until the commit, so concurrent requests reserve one after the other against what the
others committed: the cap is never passed. A message that fails before AWS took it (opted out
since, refused by AWS) gives its price back (`spend_release`); a message AWS took stays counted
(AWS bills what it sent, delivered or not).

The row of a month is created by the first acceptance of that month, from the estimated prices
of the month's messages that did not fail (so a ledger added to a running portal starts from
what was already accepted).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from messaging.models import Message, MonthlySpend
from tenants.models import Tenant


def month_of(moment: datetime | None = None) -> date:
    return (moment or timezone.now()).astimezone(UTC).date().replace(day=1)


def _accepted_so_far(tenant_id: int, month: date) -> Decimal:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    total = (
        Message.objects.filter(tenant_id=tenant_id, created_at__gte=start)
        .exclude(status=Message.Status.FAILED)
        .aggregate(total=Sum("estimated_price"))["total"]
    )
    return total or Decimal(0)


def _row_ensure(tenant_id: int, month: date) -> None:
    """Creates the month's row if missing; a concurrent creator's row wins."""
    if MonthlySpend.objects.filter(tenant_id=tenant_id, month=month).exists():
        return
    try:
        with transaction.atomic():
            MonthlySpend.objects.create(
                tenant_id=tenant_id, month=month, reserved=_accepted_so_far(tenant_id, month)
            )
    except IntegrityError:
        pass  # created meanwhile by another request


# One statement on the hot path (every single send), written out: the ORM's update costs
# several times its round trip in Python.
_RESERVE = (
    f"UPDATE {MonthlySpend._meta.db_table} SET reserved = reserved + %s "
    "WHERE tenant_id = %s AND month = %s"
)


def spend_reserve_statement(
    *, tenant_id: int, amount: Decimal, cap: Decimal | None
) -> tuple[str, list]:
    """The reservation as one UPDATE: it changes one row when `amount` fits under `cap` (None:
    no cap) and the month's row exists, none otherwise (see `spend_row_missing`)."""
    sql, params = _RESERVE, [amount, tenant_id, month_of()]
    if cap is not None:
        sql, params = sql + " AND reserved <= %s", [*params, Decimal(cap) - amount]
    return sql, params


def spend_row_missing(tenant_id: int) -> bool:
    """Whether this month's row is missing; then it is created (outside the caller's refused
    transaction) and the reservation can be tried again."""
    month = month_of()
    if MonthlySpend.objects.filter(tenant_id=tenant_id, month=month).exists():
        return False
    _row_ensure(tenant_id, month)
    return True


def spend_reserve(*, tenant_id: int, amount: Decimal, cap: Decimal | None) -> bool:
    """Adds `amount` to this month's spend if it keeps the spend within `cap` (None: no cap);
    returns whether it did. Call it inside the transaction that stores the messages."""
    sql, params = spend_reserve_statement(tenant_id=tenant_id, amount=amount, cap=cap)
    for attempt in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount:
                return True
        if attempt == 0:
            spend_row_missing(tenant_id)  # created if missing (or by a concurrent request)
    return False  # the row is there: the cap refused


def spend_fit(*, tenant_id: int, prices: list[Decimal], cap: Decimal | None) -> list[bool]:
    """A batch: which of `prices`, in order, fit under the cap together, reserved at once.

    The row is locked first (an UPDATE that changes nothing), then read: the reservation is
    computed against the committed spend and no other request can reserve meanwhile."""
    month = month_of()
    if cap is None:
        spend_reserve(tenant_id=tenant_id, amount=sum(prices, Decimal(0)), cap=None)
        return [True] * len(prices)
    _row_ensure(tenant_id, month)
    rows = MonthlySpend.objects.filter(tenant_id=tenant_id, month=month)
    rows.update(reserved=F("reserved"))  # the lock, held until the caller's commit
    room = Decimal(cap) - rows.values_list("reserved", flat=True).get()
    fits = []
    total = Decimal(0)
    for price in prices:
        ok = total + price <= room
        fits.append(ok)
        if ok:
            total += price
    if total:
        rows.update(reserved=F("reserved") + total)
    return fits


def spend_release(message: Message) -> None:
    """Gives back the price of a message that failed before AWS took it."""
    if not message.estimated_price:
        return
    MonthlySpend.objects.filter(
        tenant_id=message.tenant_id, month=month_of(message.created_at)
    ).update(reserved=F("reserved") - message.estimated_price)


def month_spend(tenant: Tenant) -> Decimal:
    """This month's estimated spend (reserved, minus what was given back)."""
    month = month_of()
    value = (
        MonthlySpend.objects.filter(tenant=tenant, month=month)
        .values_list("reserved", flat=True)
        .first()
    )
    return value if value is not None else _accepted_so_far(tenant.pk, month)
