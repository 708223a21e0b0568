"""Texts of escalations, proxy requests and direct assignment."""

from __future__ import annotations
