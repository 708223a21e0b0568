"""Domain rules. No Telegram types here: services take a unit of work and return dataclasses."""
