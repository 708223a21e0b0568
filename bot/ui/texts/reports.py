"""Texts of reports and of the volunteer's time on a task."""

from __future__ import annotations
