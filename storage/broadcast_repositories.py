"""Queries for broadcasts and their outbox. They flush but never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import Exists, Select, and_, exists, false, func, or_, select, update

from storage.models import Broadcast, Delivery, Person, Role, VolunteerArea, VolunteerProfile
from storage.place_models import Activity, Place, SignUp
from storage.repositories import _Repo

_Query = Select[int, int | None, str | None]
# Who can be reached at all: known to Telegram and not blocked.
_REACHABLE = and_(
    Person.telegram_id.is_not(None),
    Person.unreachable.is_(False),
    Person.onboarded_at.is_not(None),
)


def _has_role(role: str) -> Exists:
    return exists().where(Role.person_id == Person.id, Role.role == role)


def _approved_volunteer() -> Exists:
    return exists().where(
        VolunteerProfile.person_id == Person.id, VolunteerProfile.vetting == "approved"
    )


class BroadcastRepo(_Repo):
    """Broadcasts, the audience behind them and their per-recipient outbox."""

    @staticmethod
    def _audience(kind: str, arg: str | None, now: datetime, default_locale: str) -> _Query:
        """(person id, chat id, locale) of everyone a broadcast to this audience reaches."""
        stmt = select(Person.id, Person.telegram_id, Person.locale).where(_REACHABLE)
        if kind == "residents":
            return stmt.where(_has_role("resident"))
        if kind == "volunteers":  # an organisation's (its id as the argument), or all
            stmt = stmt.where(_has_role("volunteer"), _approved_volunteer())
            if arg is not None:
                own = int(arg) if arg.isdigit() else -1
                stmt = stmt.where(Person.organisation_id == own)
            return stmt
        if kind == "area" and arg is not None and arg.isdigit():
            covers = exists().where(
                VolunteerArea.person_id == Person.id, VolunteerArea.area_id == int(arg)
            )
            return stmt.where(
                or_(
                    and_(_has_role("resident"), Person.area_id == int(arg)),
                    and_(_has_role("volunteer"), _approved_volunteer(), covers),
                )
            )
        if kind == "language" and arg is not None:
            same = Person.locale == arg
            return stmt.where(
                or_(same, Person.locale.is_(None)) if arg == default_locale else same
            )
        if kind == "activity" and arg is not None and arg.isdigit():
            going = exists().where(
                SignUp.person_id == Person.id,
                SignUp.activity_id == int(arg),
                SignUp.status == "confirmed",
                SignUp.occurs_at >= now,
            )
            return stmt.where(going)
        return stmt.where(false())

    async def audience_size(
        self, kind: str, arg: str | None, now: datetime, default_locale: str
    ) -> int:
        """How many people a broadcast to this audience would reach now."""
        stmt = self._audience(kind, arg, now, default_locale)
        result = await self.session.execute(select(func.count()).select_from(stmt.subquery()))
        return int(result.scalar_one())

    async def audience(
        self, kind: str, arg: str | None, now: datetime, default_locale: str
    ) -> list[tuple[int, int, str | None]]:
        """(person id, chat id, locale) of everyone a broadcast to this audience reaches."""
        result = await self.session.execute(
            self._audience(kind, arg, now, default_locale).order_by(Person.id)
        )
        return [(int(p), int(c), loc) for p, c, loc in result.all() if c is not None]

    async def activities_with_signups(
        self, now: datetime, offset: int, limit: int, organisation_id: int | None = None
    ) -> Sequence[tuple[int, str, int]]:
        """(id, title, people going) of activities with upcoming sign-ups, by title; only one
        organisation's places' when ``organisation_id`` is given."""
        people = func.count(func.distinct(SignUp.person_id))
        stmt = select(Activity.id, Activity.title, people).join(
            SignUp, SignUp.activity_id == Activity.id
        )
        if organisation_id is not None:
            stmt = stmt.join(Place, Place.id == Activity.place_id).where(
                Place.organisation_id == organisation_id
            )
        result = await self.session.execute(
            stmt.where(
                Activity.cancelled.is_(False),
                SignUp.status == "confirmed",
                SignUp.occurs_at >= now,
            )
            .group_by(Activity.id, Activity.title)
            .order_by(Activity.title, Activity.id)
            .offset(offset)
            .limit(limit)
        )
        return [(int(i), str(t), int(n)) for i, t, n in result.all()]

    async def add(self, broadcast: Broadcast) -> Broadcast:
        self.session.add(broadcast)
        await self.session.flush()
        return broadcast

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return await self.session.get(Broadcast, broadcast_id)

    async def add_deliveries(self, rows: Iterable[Delivery]) -> None:
        self.session.add_all(list(rows))
        await self.session.flush()

    async def claim_next(self, now: datetime) -> tuple[Delivery, Broadcast] | None:
        """Lock the oldest pending delivery that may go now, with its broadcast.

        PostgreSQL: a row another sender holds is skipped, not waited for. SQLite renders no
        FOR UPDATE; there every transaction begins IMMEDIATE, so senders take turns.
        """
        result = await self.session.execute(
            select(Delivery, Broadcast)
            .join(Broadcast, Broadcast.id == Delivery.broadcast_id)
            .where(
                Delivery.status == "pending",
                or_(Delivery.not_before.is_(None), Delivery.not_before <= now),
            )
            .order_by(Delivery.broadcast_id, Delivery.id)
            .limit(1)
            .with_for_update(skip_locked=True, of=Delivery)
        )
        row = result.first()
        return (row[0], row[1]) if row else None

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        """Deliveries of a broadcast by status."""
        result = await self.session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.broadcast_id == broadcast_id)
            .group_by(Delivery.status)
        )
        return {str(status): int(n) for status, n in result.all()}

    async def sending(self) -> Sequence[Broadcast]:
        result = await self.session.execute(
            select(Broadcast).where(Broadcast.status == "sending").order_by(Broadcast.id)
        )
        return result.scalars().all()

    async def finish(self, broadcast_id: int, now: datetime) -> bool:
        """Close a broadcast; True for the one caller that closed it."""
        result = await self.session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == "sending")
            .values(status="done", finished_at=now)
        )
        return bool(getattr(result, "rowcount", 0))
