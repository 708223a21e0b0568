"""Texts for coordinators keeping the list of meeting places."""

from __future__ import annotations
