"""Domain errors. Handlers turn each into a kind message."""

from __future__ import annotations

from storage.uow import ExpectedOutcome


class DomainError(ExpectedOutcome):
    """Something the person asked for cannot be done, for a reason we can explain."""


class NotFound(DomainError):
    """The request, person or area does not exist (any more)."""


class NotAllowed(DomainError):
    """This person may not do this to that object. Always logged."""


class NotVetted(NotAllowed):
    """A volunteer who is not (yet) approved tried to take a task."""


class Stopped(NotVetted):
    """A suspended volunteer, or one whose approval lapsed, tried to take a task.

    ``args[0]`` is the state: ``suspended`` or ``lapsed``."""

    @property
    def lapsed(self) -> bool:
        return bool(self.args) and self.args[0] == "lapsed"


class Paused(NotAllowed):
    """A paused volunteer tried to take a task (or say yes to one they were asked to take)."""


class TimePassed(DomainError):
    """The time the person asked for is already over; ask for a new one."""


class AlreadyClaimed(DomainError):
    """Someone else took the task first."""


class AlreadyYours(AlreadyClaimed):
    """The volunteer pressed «I'll take it» again on a task they already hold (a double tap)."""


class NotOpen(DomainError):
    """The request is no longer in a state where this makes sense (done, cancelled, …)."""


class NotRegistered(DomainError):
    """The person has not finished /start yet."""


class Duplicate(DomainError):
    """Something with that name already exists."""


class NotSetUp(DomainError):
    """The service is not ready yet, e.g. there are no areas."""


class OnWaitingList(DomainError):
    """The person has only a place on the waiting list for that date."""
