"""Unit of work: one session, committed on success and rolled back on failure."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.broadcast_repositories import BroadcastRepo
from storage.catalogue_repositories import CatalogueRepo
from storage.escalation_repositories import EscalationRepo
from storage.health_repositories import HealthRepo
from storage.outbound_repositories import OutboundRepo
from storage.place_repositories import PlaceRepo
from storage.privacy_repositories import PrivacyRepo
from storage.reminder_repositories import ReminderRepo
from storage.report_repositories import ReportRepo
from storage.repositories import (
    AreaRepo,
    AuditRepo,
    DraftRepo,
    FollowUpRepo,
    GroupRepo,
    PeopleRepo,
    RequestRepo,
    StateRepo,
    VolunteerRepo,
)
from storage.retention_repositories import RetentionRepo
from storage.safety_repositories import SafetyRepo


class StorageUnavailable(Exception):
    """The database could not be reached or answered with an error."""


class ExpectedOutcome(Exception):
    """Base for domain errors: raised before any write, so what was recorded is kept.

    The unit of work commits on these (an audit line of a refused attempt survives) and rolls
    back on every other exception.
    """


class UnitOfWork:
    """Open with ``async with uow:``; repositories are attributes while it is open."""

    people: PeopleRepo
    areas: AreaRepo
    volunteers: VolunteerRepo
    requests: RequestRepo
    drafts: DraftRepo
    followups: FollowUpRepo
    groups: GroupRepo
    states: StateRepo
    audit: AuditRepo
    places: PlaceRepo
    catalogue: CatalogueRepo
    reminders: ReminderRepo
    broadcasts: BroadcastRepo
    escalations: EscalationRepo
    reports: ReportRepo
    privacy: PrivacyRepo
    health: HealthRepo
    outbound: OutboundRepo
    safety: SafetyRepo
    retention: RetentionRepo

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The open session; only inside ``async with``."""
        if self._session is None:
            raise RuntimeError("unit of work is not open")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        session = self._factory()
        self._session = session
        self.people = PeopleRepo(session)
        self.areas = AreaRepo(session)
        self.volunteers = VolunteerRepo(session)
        self.requests = RequestRepo(session)
        self.drafts = DraftRepo(session)
        self.followups = FollowUpRepo(session)
        self.groups = GroupRepo(session)
        self.states = StateRepo(session)
        self.audit = AuditRepo(session)
        self.places = PlaceRepo(session)
        self.catalogue = CatalogueRepo(session)
        self.reminders = ReminderRepo(session)
        self.broadcasts = BroadcastRepo(session)
        self.escalations = EscalationRepo(session)
        self.reports = ReportRepo(session)
        self.privacy = PrivacyRepo(session)
        self.health = HealthRepo(session)
        self.outbound = OutboundRepo(session)
        self.safety = SafetyRepo(session)
        self.retention = RetentionRepo(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        self._session = None
        try:
            if exc is None or isinstance(exc, ExpectedOutcome):
                await session.commit()
            else:
                await session.rollback()
        except (OperationalError, DBAPIError) as error:
            raise StorageUnavailable(str(error.__class__.__name__)) from error
        finally:
            await session.close()
        if isinstance(exc, (OperationalError, DBAPIError)):
            raise StorageUnavailable(exc.__class__.__name__) from exc


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use; held by the application, never a global."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self._factory)
