"""Texts of broadcasts: choosing the audience, the preview, the progress."""

from __future__ import annotations
