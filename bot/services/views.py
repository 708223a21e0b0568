"""Plain data handed from services to handlers. ORM objects never leave a unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

CATEGORIES: tuple[str, ...] = (
    "shopping",
    "pharmacy",
    "company",
    "escort",
    "digital",
    "home",
    "phone",
    "other",
)
SCORES: tuple[str, ...] = ("good", "ok", "bad")


@dataclass(frozen=True)
class Recipient:
    """Someone to tell something, in their own language."""

    person_id: int
    telegram_id: int | None
    locale: str | None
    first_name: str
    # A coordinator hearing in the place of a resident without Telegram: the resident's name.
    on_behalf_of: str | None = None


@dataclass(frozen=True)
class AreaView:
    id: int
    name: str


@dataclass(frozen=True)
class PersonView:
    id: int
    telegram_id: int | None
    first_name: str | None
    locale: str | None
    roles: frozenset[str]
    onboarded: bool
    area: AreaView | None = None
    address: str | None = None
    phone: str | None = None
    vetting: str | None = None
    paused: bool = False
    volunteer_areas: tuple[AreaView, ...] = ()
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class When:
    """When help is wanted: an instant plus how precisely the person said it."""

    at: datetime | None
    precision: str = "none"  # exact | part | day | none


@dataclass(frozen=True)
class RequestView:
    """A request as anyone may see it: no name, address or phone."""

    id: int
    category: str
    area: str
    when: When
    details: str | None
    status: str
    created_at: datetime


@dataclass(frozen=True)
class Contact:
    """A resident's details, given only to the volunteer who holds the task."""

    first_name: str
    address: str | None
    phone: str | None
    person_id: int | None = None  # the resident's (a queued message with it names them)


@dataclass(frozen=True)
class PostRef:
    """A message that offered a task; ``locale`` is its reader's (None for a group).

    ``kind`` address: the holder's message with the resident's address, stripped when the task
    ends. ``request``: its task (set where the posts of several tasks come together).
    """

    chat_id: int
    message_id: int
    locale: str | None = None
    kind: str = "offer"
    request: RequestView | None = None


@dataclass(frozen=True)
class SubmitResult:
    request: RequestView
    volunteers: list[Recipient]
    group_chat_ids: list[int]
    coordinators: list[Recipient]


@dataclass(frozen=True)
class ClaimResult:
    request: RequestView
    volunteer: Recipient
    resident: Recipient
    contact: Contact
    other_posts: list[PostRef]


@dataclass(frozen=True)
class CloseResult:
    """After done or cancel: who to tell and which task messages to update."""

    request: RequestView
    resident: Recipient
    volunteer: Recipient | None
    posts: list[PostRef] = field(default_factory=list)


@dataclass(frozen=True)
class GiveBackResult:
    request: RequestView
    resident: Recipient
    volunteer: Recipient
    volunteers: list[Recipient]
    group_chat_ids: list[int]
    # The holder's messages with the address, to strip; ``why``: given_back | released.
    address_posts: list[PostRef] = field(default_factory=list)
    why: str = "given_back"


@dataclass(frozen=True)
class DraftView:
    step: str
    category: str | None
    when_day: str | None
    when: When
    details: str | None


@dataclass(frozen=True)
class PendingVolunteer:
    person_id: int
    first_name: str
    areas: tuple[str, ...]
    skills: tuple[str, ...]
    since: datetime
