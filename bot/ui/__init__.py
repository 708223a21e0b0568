"""Presentation: keyboards, the callback-data codec and message templates (all via gettext)."""
