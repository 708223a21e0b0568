"""Hjälpsam: a Telegram bot for everyday help between older residents and volunteers."""
