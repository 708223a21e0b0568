"""Repositories: every query lives here. They flush but never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute, aliased

from storage.models import (
    Area,
    AuditEntry,
    Draft,
    FollowUp,
    HelpRequest,
    Municipality,
    PersistedState,
    Person,
    RequestEvent,
    Role,
    TaskPost,
    VolunteerArea,
    VolunteerGroup,
    VolunteerProfile,
    VolunteerSkill,
)


def may_take_tasks(
    person_id: int | ColumnElement[int] | QueryableAttribute[int],
) -> ColumnElement[bool]:
    """The one rule for who may take a task now: an approved volunteer who is not paused.

    The claim's conditional UPDATE holds it, so a volunteer paused after the offer went out
    can't win with an old button; offers and a coordinator's choice of whom to ask use it too.
    Suspension and lapsed vetting are further conditions here. A profile of its own (an alias),
    so that it also correlates with ``Person.id`` in a query that joins the profiles.
    """
    profile = aliased(VolunteerProfile)
    return exists().where(
        profile.person_id == person_id,
        profile.vetting == "approved",
        profile.paused.is_(False),
    )


class _Repo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


class PeopleRepo(_Repo):
    """People and their roles."""

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        result = await self.session.execute(
            select(Person).where(Person.telegram_id == telegram_id)
        )
        return result.scalar_one_or_none()

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def add(self, person: Person) -> Person:
        self.session.add(person)
        await self.session.flush()
        return person

    async def roles(self, person_id: int) -> set[str]:
        result = await self.session.execute(select(Role.role).where(Role.person_id == person_id))
        return set(result.scalars())

    async def grant(self, person_id: int, role: str) -> None:
        if role not in await self.roles(person_id):
            self.session.add(Role(person_id=person_id, role=role))
            await self.session.flush()

    async def revoke(self, person_id: int, role: str) -> bool:
        """Take a role away; False when they did not have it."""
        result = await self.session.execute(
            delete(Role).where(Role.person_id == person_id, Role.role == role)
        )
        return bool(getattr(result, "rowcount", 0))

    async def with_role(self, role: str) -> Sequence[Person]:
        result = await self.session.execute(
            select(Person).join(Role, Role.person_id == Person.id).where(Role.role == role)
        )
        return result.scalars().all()

    async def mark_unreachable(self, telegram_id: int, value: bool) -> None:
        await self.session.execute(
            update(Person).where(Person.telegram_id == telegram_id).values(unreachable=value)
        )


class AreaRepo(_Repo):
    """Areas of the municipality."""

    async def all(self) -> Sequence[Area]:
        result = await self.session.execute(select(Area).order_by(Area.name))
        return result.scalars().all()

    async def get(self, area_id: int) -> Area | None:
        return await self.session.get(Area, area_id)

    async def by_name(self, name: str) -> Area | None:
        """The area with this name in any case. Compared in Python: SQLite's lower() knows
        only ASCII, so "Öster" and "öster" would otherwise be two areas."""
        wanted = " ".join(name.split()).casefold()
        return next((a for a in await self.all() if a.name.casefold() == wanted), None)

    async def add(self, area: Area) -> Area:
        self.session.add(area)
        await self.session.flush()
        return area

    async def municipality(self, now: datetime) -> Municipality:
        """The municipality (the first there is; one is added if there is none yet)."""
        found = (
            await self.session.execute(select(Municipality).order_by(Municipality.id).limit(1))
        ).scalar_one_or_none()
        if found is None:
            found = Municipality(name="Kommunen", created_at=now)
            self.session.add(found)
            await self.session.flush()
        return found


class VolunteerRepo(_Repo):
    """Volunteer profiles, their areas and skills."""

    async def profile(self, person_id: int) -> VolunteerProfile | None:
        return await self.session.get(VolunteerProfile, person_id)

    async def add_profile(self, profile: VolunteerProfile) -> None:
        self.session.add(profile)
        await self.session.flush()

    async def area_ids(self, person_id: int) -> set[int]:
        result = await self.session.execute(
            select(VolunteerArea.area_id).where(VolunteerArea.person_id == person_id)
        )
        return set(result.scalars())

    async def skills(self, person_id: int) -> set[str]:
        result = await self.session.execute(
            select(VolunteerSkill.category).where(VolunteerSkill.person_id == person_id)
        )
        return set(result.scalars())

    async def set_areas(self, person_id: int, area_ids: Iterable[int]) -> None:
        await self.session.execute(
            delete(VolunteerArea).where(VolunteerArea.person_id == person_id)
        )
        self.session.add_all(VolunteerArea(person_id=person_id, area_id=a) for a in set(area_ids))
        await self.session.flush()

    async def set_skills(self, person_id: int, categories: Iterable[str]) -> None:
        await self.session.execute(
            delete(VolunteerSkill).where(VolunteerSkill.person_id == person_id)
        )
        self.session.add_all(
            VolunteerSkill(person_id=person_id, category=c) for c in set(categories)
        )
        await self.session.flush()

    async def pending(self) -> Sequence[tuple[Person, VolunteerProfile]]:
        result = await self.session.execute(
            select(Person, VolunteerProfile)
            .join(VolunteerProfile, VolunteerProfile.person_id == Person.id)
            .where(VolunteerProfile.vetting == "pending", Person.onboarded_at.is_not(None))
            .order_by(VolunteerProfile.created_at)
        )
        return [(p, v) for p, v in result.all()]

    async def approved_before(
        self, vetted_before: datetime
    ) -> Sequence[tuple[Person, VolunteerProfile]]:
        """Approved volunteers whose check was done before this moment (re-vetting due)."""
        result = await self.session.execute(
            select(Person, VolunteerProfile)
            .join(VolunteerProfile, VolunteerProfile.person_id == Person.id)
            .where(
                VolunteerProfile.vetting == "approved",
                VolunteerProfile.vetted_at.is_not(None),
                VolunteerProfile.vetted_at <= vetted_before,
            )
            .order_by(VolunteerProfile.vetted_at, Person.id)
        )
        return [(p, v) for p, v in result.all()]

    async def everyone(
        self, organisation_id: int | None = None
    ) -> Sequence[tuple[Person, VolunteerProfile]]:
        """Every onboarded volunteer (of one organisation, when given), by name."""
        stmt = (
            select(Person, VolunteerProfile)
            .join(VolunteerProfile, VolunteerProfile.person_id == Person.id)
            .where(Person.onboarded_at.is_not(None))
            .order_by(Person.first_name, Person.id)
        )
        if organisation_id is not None:
            stmt = stmt.where(Person.organisation_id == organisation_id)
        result = await self.session.execute(stmt)
        return [(p, v) for p, v in result.all()]

    async def may_take_tasks(self, person_id: int) -> bool:
        """Whether this person may take a task now (see ``may_take_tasks``)."""
        return bool(await self.session.scalar(select(may_take_tasks(person_id))))

    async def matching(
        self, area_id: int, category: str, exclude: Iterable[int] = ()
    ) -> Sequence[Person]:
        """Reachable volunteers who may take tasks, cover the area and give this help."""
        result = await self.session.execute(
            select(Person)
            .join(VolunteerArea, VolunteerArea.person_id == Person.id)
            .join(VolunteerSkill, VolunteerSkill.person_id == Person.id)
            .where(
                may_take_tasks(Person.id),
                Person.unreachable.is_(False),
                Person.telegram_id.is_not(None),
                VolunteerArea.area_id == area_id,
                VolunteerSkill.category == category,
                Person.id.not_in(list(exclude)),
            )
            .order_by(Person.id)
        )
        return result.scalars().all()


class RequestRepo(_Repo):
    """Help requests, their events and the task messages that offered them."""

    async def add(self, request: HelpRequest) -> HelpRequest:
        self.session.add(request)
        await self.session.flush()
        return request

    async def get(self, request_id: int) -> HelpRequest | None:
        return await self.session.get(HelpRequest, request_id, populate_existing=True)

    async def transition(
        self, request_id: int, *, from_status: str, holder: int | None = None, **values: object
    ) -> bool:
        """Change a request only if it is still in ``from_status``: one conditional UPDATE.

        Its row count decides who wins, on SQLite and PostgreSQL alike.
        """
        stmt = update(HelpRequest).where(
            HelpRequest.id == request_id, HelpRequest.status == from_status
        )
        if holder is not None:
            stmt = stmt.where(HelpRequest.volunteer_id == holder)
        result = await self.session.execute(
            stmt.values(**values).execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def claim(self, request_id: int, volunteer_id: int, now: datetime) -> bool:
        """Give an open request to a volunteer who may take tasks: one conditional UPDATE.

        Its row count decides who wins. The volunteer's standing is read in the same statement,
        so pausing (or, later, suspending) between the offer and the press is never too late.
        """
        result = await self.session.execute(
            update(HelpRequest)
            .where(
                HelpRequest.id == request_id,
                HelpRequest.status == "open",
                may_take_tasks(volunteer_id),
            )
            .values(status="claimed", volunteer_id=volunteer_id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def active_for_signup(self, signup_id: int) -> HelpRequest | None:
        """The open or taken request for company to one meeting-place date, if any."""
        result = await self.session.execute(
            select(HelpRequest)
            .where(
                HelpRequest.signup_id == signup_id,
                HelpRequest.status.in_(("open", "claimed")),
            )
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def add_event(self, event: RequestEvent) -> None:
        self.session.add(event)
        await self.session.flush()

    async def events(self, request_id: int) -> Sequence[RequestEvent]:
        result = await self.session.execute(
            select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.id)
        )
        return result.scalars().all()

    async def of_resident(self, person_id: int, limit: int = 20) -> Sequence[HelpRequest]:
        result = await self.session.execute(
            select(HelpRequest)
            .where(HelpRequest.resident_id == person_id)
            .order_by(HelpRequest.id.desc())
            .limit(limit)
        )
        return result.scalars().all()

    async def of_volunteer(self, person_id: int, statuses: Iterable[str]) -> Sequence[HelpRequest]:
        result = await self.session.execute(
            select(HelpRequest)
            .where(HelpRequest.volunteer_id == person_id, HelpRequest.status.in_(list(statuses)))
            .order_by(HelpRequest.when_at, HelpRequest.id)
        )
        return result.scalars().all()

    async def add_posts(
        self, request_id: int, posts: Iterable[tuple[int, int]], kind: str = "offer"
    ) -> None:
        self.session.add_all(
            TaskPost(request_id=request_id, chat_id=c, message_id=m, kind=kind) for c, m in posts
        )
        await self.session.flush()

    async def posts(self, request_id: int, kind: str | None = None) -> Sequence[TaskPost]:
        """The task messages of a request (of one kind, when given: offer | address)."""
        stmt = select(TaskPost).where(TaskPost.request_id == request_id)
        if kind is not None:
            stmt = stmt.where(TaskPost.kind == kind)
        result = await self.session.execute(stmt.order_by(TaskPost.id))
        return result.scalars().all()

    async def drop_posts(self, request_id: int, kind: str | None = None) -> None:
        stmt = delete(TaskPost).where(TaskPost.request_id == request_id)
        if kind is not None:
            stmt = stmt.where(TaskPost.kind == kind)
        await self.session.execute(stmt)

    async def drop_post_ids(self, post_ids: Iterable[int]) -> None:
        ids = list(post_ids)
        if ids:
            await self.session.execute(delete(TaskPost).where(TaskPost.id.in_(ids)))

    async def lock(self, request_id: int) -> HelpRequest | None:
        """The request, its row locked until the unit of work ends (PostgreSQL; SQLite's
        transactions take turns anyway): a task ending at the same time waits, or is seen."""
        result = await self.session.execute(
            select(HelpRequest)
            .where(HelpRequest.id == request_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one_or_none()

    async def address_posts_of(
        self, person_id: int, telegram_id: int | None
    ) -> Sequence[TaskPost]:
        """The messages with an address that are about this resident or in this chat."""
        about = HelpRequest.resident_id == person_id
        mentions = select(HelpRequest.id).where(about).scalar_subquery()
        where: ColumnElement[bool] = TaskPost.request_id.in_(mentions)
        if telegram_id is not None:
            where = where | (TaskPost.chat_id == telegram_id)
        result = await self.session.execute(
            select(TaskPost).where(TaskPost.kind == "address", where).order_by(TaskPost.id)
        )
        return result.scalars().all()


class DraftRepo(_Repo):
    """Half-written requests, one per person."""

    async def get(self, person_id: int) -> Draft | None:
        return await self.session.get(Draft, person_id)

    async def put(self, draft: Draft) -> None:
        await self.session.merge(draft)
        await self.session.flush()

    async def drop(self, person_id: int) -> None:
        await self.session.execute(delete(Draft).where(Draft.person_id == person_id))


class FollowUpRepo(_Repo):
    """Answers to the follow-up question after a task is done."""

    async def get(self, request_id: int, person_id: int) -> FollowUp | None:
        result = await self.session.execute(
            select(FollowUp).where(
                FollowUp.request_id == request_id, FollowUp.person_id == person_id
            )
        )
        return result.scalar_one_or_none()

    async def add(self, answer: FollowUp) -> None:
        self.session.add(answer)
        await self.session.flush()


class GroupRepo(_Repo):
    """Linked volunteers' group chats."""

    async def all_chat_ids(self) -> list[int]:
        result = await self.session.execute(select(VolunteerGroup.chat_id))
        return list(result.scalars())

    async def link(self, group: VolunteerGroup) -> None:
        await self.session.merge(group)
        await self.session.flush()

    async def unlink(self, chat_id: int) -> None:
        await self.session.execute(delete(VolunteerGroup).where(VolunteerGroup.chat_id == chat_id))


class StateRepo(_Repo):
    """JSON blobs for the PTB persistence, by namespace and key."""

    async def load(self, namespace: str) -> dict[str, str]:
        result = await self.session.execute(
            select(PersistedState.key, PersistedState.value).where(
                PersistedState.namespace == namespace
            )
        )
        return {k: v for k, v in result.all()}

    async def load_dated(self, namespace: str) -> dict[str, tuple[str, datetime | None]]:
        """Each value with when it was last written (None when that was not recorded)."""
        result = await self.session.execute(
            select(PersistedState.key, PersistedState.value, PersistedState.updated_at).where(
                PersistedState.namespace == namespace
            )
        )
        return {k: (v, at) for k, v, at in result.all()}

    async def save(
        self, namespace: str, key: str, value: str | None, at: datetime | None = None
    ) -> None:
        """Write one value (one upsert statement), and when if ``at`` is given; None deletes it."""
        if value is None:
            await self.session.execute(
                delete(PersistedState).where(
                    PersistedState.namespace == namespace, PersistedState.key == key
                )
            )
            return
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        stmt = insert(PersistedState).values(
            namespace=namespace, key=key, value=value, updated_at=at
        )
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=[PersistedState.namespace, PersistedState.key],
                set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
            )
        )


class AuditRepo(_Repo):
    """The audit log of personal-data access and refused attempts."""

    async def add(
        self,
        *,
        actor: int | None,
        action: str,
        target: str | None,
        allowed: bool,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        self.session.add(
            AuditEntry(
                actor_telegram_id=actor,
                action=action,
                target=target,
                allowed=allowed,
                at=at,
                reason=reason,
            )
        )
        await self.session.flush()

    async def entries(self) -> Sequence[AuditEntry]:
        result = await self.session.execute(select(AuditEntry).order_by(AuditEntry.id))
        return result.scalars().all()
