"""Texts for residents finding meeting places and signing up."""

from __future__ import annotations
