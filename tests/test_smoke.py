async def test_start_greets_in_swedish(harness):
    await harness.send(1, "/start")
    last = harness.last(1)
    assert last.text.startswith("Hej och välkommen till Hjälpsam!")
    assert last.buttons() == ["Svenska", "English"]
