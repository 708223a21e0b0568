"""What each table holds about people, for the record of processing (``hjalpsam privacy-record``).

Every table in ``storage.models.Base.metadata`` has an entry, and every column that links a row
to a person (a key to ``people``) or looks personal (a name, an address, a phone, free text) is
listed or named in ``NOT_PERSONAL`` with the reason: ``tests/test_privacy_record.py`` fails
otherwise, so a new table or column can't slip past the record.

``retention`` may use ``{days}`` (HJALPSAM_RETENTION_DAYS) and ``{abandoned}`` (drafts and saved
locations, ``bot.services.retention``). Say what the code does, not what it should do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Use:
    """Why a table exists, what it holds about people, and how long."""

    purpose: str
    data: str
    columns: tuple[str, ...] = ()
    retention: str = "no personal data"


UNTIL_ERASED = "until the person is erased (/radera)"

TABLES: dict[str, Use] = {
    "municipalities": Use("Organise the service", "none: the municipality served"),
    "areas": Use("Match requests to volunteers", "none: the parts of the municipality"),
    "people": Use(
        "All purposes: who is who",
        "Telegram id, first name, area, address and phone (residents), language, consent time",
        ("telegram_id", "first_name", "area_id", "address", "phone"),
        f"{UNTIL_ERASED}; the emptied row stays so the reports' counts add up",
    ),
    "roles": Use("All purposes: who may do what", "role", ("person_id",), UNTIL_ERASED),
    "volunteer_profiles": Use(
        "Vet, pause and suspend volunteers",
        "vetting state and dates, who vetted or suspended, the reason for a suspension",
        ("person_id", "vetted_by_id", "suspended_by_id", "suspend_reason"),
        UNTIL_ERASED,
    ),
    "volunteer_areas": Use(
        "Offer tasks to volunteers", "areas a volunteer covers", ("person_id",), UNTIL_ERASED
    ),
    "volunteer_skills": Use(
        "Offer tasks to volunteers",
        "kinds of help a volunteer gives",
        ("person_id",),
        UNTIL_ERASED,
    ),
    "help_requests": Use(
        "Match a resident's request with a volunteer; follow up; count for the reports",
        "kind of help, area, time, state; the resident's own words (may reveal health)",
        ("resident_id", "created_by_id", "volunteer_id", "details"),
        "{days} after the request closed, `details` is blanked and the row stops naming the "
        "resident and whoever entered it (both become a stand-in with no data); the row stays "
        "for the reports' counts, with the volunteer for the count of active volunteers until "
        "they are erased; `details` is also blanked when the resident is erased",
    ),
    "request_events": Use(
        "Show what happened to a request",
        "who did what and when; a note (e.g. a reason for giving back)",
        ("actor_id", "note"),
        "`note` blanked and `actor_id` cut {days} after the request closed, or when its writer "
        "or the request's resident is erased",
    ),
    "follow_ups": Use(
        "Follow up a task (ärendeutvärdering)",
        "a score and a comment",
        ("person_id", "comment"),
        "`comment` blanked and `person_id` cut {days} after the request closed, or when its "
        "writer, or either side of the task, is erased",
    ),
    "drafts": Use(
        "Keep a half-written request across a restart",
        "kind of help, time, the resident's own words",
        ("person_id", "details"),
        "{abandoned} after the last change, or when the person is erased",
    ),
    "task_posts": Use(
        "Update or strip a sent offer or address message",
        "which chat got which message",
        ("chat_id",),
        "{days} after the request closed, or when the chat's person or the request's resident "
        "is erased",
    ),
    "volunteer_groups": Use(
        "Post offers (kind, area, time only) to volunteers' group chats",
        "who linked the group",
        ("linked_by_id",),
        "until the group is unlinked; `linked_by_id` cut when that coordinator is erased",
    ),
    "persisted_state": Use(
        "Keep a conversation going across a restart",
        "answers in the middle of a conversation; the last «Near me» location",
        ("key", "value"),
        "answers until the conversation ends or times out; a location {abandoned} after the "
        "search; all of it when the person is erased",
    ),
    "audit_log": Use(
        "Security: who read or changed whose data, and refused attempts",
        "the actor's Telegram id, the action, the target row's id, the reason",
        ("actor_telegram_id", "target"),
        "no automatic deletion; the actor's Telegram id is blanked when they are erased",
    ),
    "assignments": Use(
        "A coordinator asks one volunteer to take a request",
        "who asked whom, and the answer",
        ("volunteer_id", "by_id"),
        "deleted {days} after the request closed, or when the volunteer or the request's "
        "resident is erased; `by_id` cut when the coordinator is",
    ),
    "broadcasts": Use(
        "Announcements to many",
        "who sent it, and the coordinator's chat for the progress message",
        ("created_by_id", "progress_chat_id"),
        "no automatic deletion; `created_by_id` and the progress chat cut when the coordinator "
        "is erased",
    ),
    "broadcast_deliveries": Use(
        "Send an announcement once to each recipient",
        "recipient, chat and language; sent or not",
        ("person_id", "chat_id"),
        f"no automatic deletion; {UNTIL_ERASED}",
    ),
    "outbound_messages": Use(
        "Deliver a message Telegram did not take at once",
        "the message text (may hold an address), the chat, whom it is about",
        ("chat_id", "text", "about_id"),
        "sent or given-up messages {days} after they were made; messages to or about a "
        "person when they are erased",
    ),
    "safety_reports": Use(
        "Safety: «Något kändes fel» and ☹️ follow-ups to the coordinators responsible",
        "the reporter's own words, about whom, which task, who handled it",
        ("reporter_id", "volunteer_id", "handled_by_id", "text"),
        "no automatic deletion; deleted when the reporter is erased; the text blanked when the "
        "volunteer it is about, or a side of its task, is erased",
    ),
    "organisations": Use(
        "The catalogue of who runs meeting places and who vets volunteers",
        "the organisation's contact person, phone and e-mail",
        ("phone", "email", "contact_person"),
        "until a coordinator or an import changes it",
    ),
    "places": Use("Find a meeting place", "none: public places"),
    "activities": Use("Find a meeting place", "none: public activities"),
    "activity_exceptions": Use("Find a meeting place", "none: cancelled or moved dates"),
    "signups": Use(
        "Sign-ups for meeting places; tell people about changes",
        "who goes to which date",
        ("person_id",),
        f"no automatic deletion; {UNTIL_ERASED}",
    ),
    "reminders": Use(
        "Remind people of a meeting place they signed up for",
        "when a reminder for a sign-up is due and sent",
        ("signup_id",),
        "with the sign-up",
    ),
}

# Columns that look personal by their name but are not, and why.
NOT_PERSONAL: dict[tuple[str, str], str] = {
    ("areas", "name"): "the name of an area",
    ("municipalities", "name"): "the name of the municipality",
    ("organisations", "name"): "the organisation's name",
    ("places", "name"): "a public place",
    ("places", "address"): "a public place",
    ("places", "lat"): "a public place",
    ("places", "lon"): "a public place",
    ("volunteer_groups", "chat_id"): "a group chat, not a person",
    ("audit_log", "reason"): "a short code (escalated, assigning, …), never free text",
    ("broadcasts", "text_sv"): "an announcement to many, written by a coordinator",
    ("broadcasts", "text_en"): "an announcement to many, written by a coordinator",
}
