"""Texts of meeting-place reminders and the switch to turn them off."""

from __future__ import annotations
