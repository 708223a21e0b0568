"""Area names are one area whatever the case, also with å, ä and ö."""

from tests.helpers import COORDINATOR, coordinator_with_area


async def test_adding_oster_twice_in_another_case_is_a_kind_no(harness):
    h = harness
    await coordinator_with_area(h, "Öster")
    await h.send(COORDINATOR, "➕ Lägg till område")
    await h.send(COORDINATOR, "öster")
    assert h.last(COORDINATOR).text == (
        "Det finns redan ett område som heter öster. Skriv ett annat namn."
    )
    async with h.uow() as uow:
        assert [a.name for a in await uow.areas.all()] == ["Öster"]
