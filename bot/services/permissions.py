"""Who may see and do what, per role: the table in ``docs/privacy.md``.

The rules themselves live in the services (``access``, ``requests``, ``suspension``, …). This
is their description in one place. ``tests/test_authorization.py`` tries every row with every
role (a coordinator of another organisation too) and fails when the code lets through someone
the row does not name, or refuses someone it does; ``tests/test_privacy_doc.py`` fails when
the table in the docs differs from :func:`table`. So the two can't drift.
"""

from __future__ import annotations

from dataclasses import dataclass

# The people the authorization test plays: a resident with their own request, a vetted
# volunteer of the organisation, that organisation's coordinator, another organisation's
# coordinator, and a coordinator of the municipality.
ACTORS: tuple[str, ...] = ("resident", "volunteer", "own_org", "other_org", "municipal")


@dataclass(frozen=True)
class Rule:
    key: str
    what: str
    resident: str
    volunteer: str
    organisation: str
    municipal: str
    # Who gets through in the test's town (see ACTORS).
    allowed: frozenset[str]


def _rule(key: str, what: str, cells: tuple[str, str, str, str], *allowed: str) -> Rule:
    return Rule(key, what, *cells, frozenset(allowed))


NO = "no"
RULES: tuple[Rule, ...] = (
    _rule(
        "read_open_request",
        "See an open request (kind, area, time, the resident's words)",
        ("their own", NO, NO, "in their municipality"),
        "resident",
        "municipal",
    ),
    _rule(
        "read_held_task",
        "See a task that a volunteer holds",
        (
            "their own",
            "while they hold it, with the address and phone",
            "its state only, when their own volunteer holds it",
            "in their municipality",
        ),
        "resident",
        "volunteer",
        "own_org",
        "municipal",
    ),
    _rule(
        "read_contact",
        "Read a resident's phone and address for a request",
        (
            NO,
            "only while holding the task",
            NO,
            "open requests only: escalated, being assigned, entered by them, or a proxy "
            "resident (each read logged with its reason)",
        ),
        "municipal",
    ),
    _rule(
        "cancel_request",
        "Cancel a request",
        ("their own", NO, NO, "in their municipality, or one they entered"),
        "resident",
        "municipal",
    ),
    _rule(
        "erase_proxy",
        "Erase a resident without Telegram (a proxy resident)",
        (NO, NO, NO, "in their municipality"),
        "municipal",
    ),
    _rule(
        "claim_task",
        "Take a task",
        (NO, "when approved, not paused, stopped or lapsed", NO, NO),
        "volunteer",
    ),
    _rule(
        "assign",
        "Ask a volunteer to take an unclaimed request",
        (NO, NO, NO, "in their municipality"),
        "municipal",
    ),
    _rule(
        "proxy_request",
        "Ask for help for a resident without Telegram",
        (NO, NO, NO, "in their municipality"),
        "municipal",
    ),
    _rule(
        "list_pending",
        "See volunteers waiting for approval",
        (NO, NO, "their organisation's", "those of organisations without a coordinator"),
        "own_org",
    ),
    _rule(
        "vet",
        "Approve or turn down a volunteer",
        (NO, NO, "their organisation's", "those of organisations without a coordinator"),
        "own_org",
    ),
    _rule(
        "read_volunteer",
        "See a volunteer's card (areas, kinds of help, vetting date, why stopped)",
        (NO, "their own, with /minadata", "their organisation's", "every volunteer"),
        "own_org",
        "municipal",
    ),
    _rule(
        "suspend",
        "Stop a volunteer at once",
        (NO, NO, "their organisation's", "every volunteer"),
        "own_org",
        "municipal",
    ),
    _rule(
        "reinstate",
        "Let a stopped volunteer in again",
        (NO, NO, "their organisation's", "every volunteer"),
        "own_org",
        "municipal",
    ),
    _rule(
        "safety_report",
        "Tell the coordinators responsible that something felt wrong («Något kändes fel»)",
        ("about their own requests", "about their own tasks", NO, NO),
        "resident",
        "volunteer",
    ),
    _rule(
        "safety_call",
        "Get the phone of who said something felt wrong (each read logged)",
        (NO, NO, "their organisation's volunteers only", "in their municipality"),
        "municipal",
    ),
    _rule(
        "safety_handled",
        "Close a safety report as handled",
        (NO, NO, "when it is about their organisation's volunteer", "in their municipality"),
        "own_org",
        "municipal",
    ),
    _rule(
        "add_area",
        "Add an area",
        (NO, NO, NO, "yes"),
        "municipal",
    ),
    _rule(
        "read_place",
        "Read a meeting place's card as coordinators keep it",
        ("no (residents find places with «Hitta mötesplats»)", NO, "yes", "yes"),
        "own_org",
        "other_org",
        "municipal",
    ),
    _rule(
        "add_place",
        "Add a meeting place",
        (NO, NO, "for their organisation", "yes"),
        "own_org",
        "other_org",
        "municipal",
    ),
    _rule(
        "edit_place",
        "Change a meeting place, add or change its activities",
        (NO, NO, "their organisation's", "every place"),
        "own_org",
        "municipal",
    ),
    _rule(
        "cancel_activity",
        "Cancel an activity or one date of it (those signed up are told)",
        (NO, NO, "their organisation's", "every activity"),
        "own_org",
        "municipal",
    ),
    _rule(
        "broadcast_residents",
        "Send an announcement to residents (all, an area, a language)",
        (NO, NO, NO, "yes"),
        "municipal",
    ),
    _rule(
        "broadcast_volunteers",
        "Send an announcement to volunteers",
        (NO, NO, "their organisation's", "all"),
        "own_org",
        "other_org",
        "municipal",
    ),
    _rule(
        "broadcast_activity",
        "Send an announcement to those signed up for an activity",
        (NO, NO, "their organisation's activities", "every activity"),
        "own_org",
        "municipal",
    ),
    _rule(
        "link_group",
        "Link a volunteers' group chat (it gets offers: kind, area, time only)",
        (NO, NO, "yes", "yes"),
        "own_org",
        "other_org",
        "municipal",
    ),
    _rule(
        "report",
        "Read the report (counts only, no names)",
        (NO, NO, "yes", "yes"),
        "own_org",
        "other_org",
        "municipal",
    ),
)


def table() -> str:
    """The Markdown table of ``docs/privacy.md``'s «Who sees what»."""
    head = (
        "| What | Resident | Volunteer | Organisation coordinator | Municipal coordinator |\n"
        "|---|---|---|---|---|\n"
    )
    rows = (
        f"| {r.what} | {r.resident} | {r.volunteer} | {r.organisation} | {r.municipal} |"
        for r in RULES
    )
    return head + "\n".join(rows) + "\n"
