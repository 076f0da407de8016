"""Exchange rates an admin sets, so that a price seen in another currency compares with the list."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kam_bot.domain.models import User
from kam_bot.services import access, audit
from kam_bot.services.errors import InvalidInputError
from kam_bot.services.ports import Clock, UnitOfWorkFactory, utc_now

_CODE = re.compile(r"^[A-Z]{3}$")


class RateService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock

    def all(self) -> dict[tuple[str, str], Decimal]:
        with self._uow() as uow:
            return uow.repo.exchange_rates()

    def set(self, actor: User, source: str, target: str, rate: str) -> tuple[str, str, Decimal]:
        """``CNY USD 0.14``: one CNY buys 0.14 USD (and one USD 1/0.14 CNY)."""
        access.require_admin(actor)
        source, target = source.strip().upper(), target.strip().upper()
        for field, code in (("from", source), ("to", target)):
            if not _CODE.match(code):
                raise InvalidInputError("rates.bad_currency", field=field, value=code)
        if source == target:
            raise InvalidInputError("rates.same_currency", field="to", value=target)
        try:
            value = Decimal(rate.replace(",", "").strip())
        except InvalidOperation:
            value = Decimal(0)
        if not value.is_finite() or value <= 0:
            raise InvalidInputError("rates.bad_rate", field="rate", value=rate)
        with self._uow() as uow:
            now = self._clock()
            uow.repo.set_exchange_rate(source, target, value, now)
            audit.record(uow.repo, actor.id, audit.CHANGED, "rate", 0, now, [f"{source}/{target}"])
            uow.commit()
        return source, target, value
