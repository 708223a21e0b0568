"""Periodic jobs: each polls its own rows in the database and sends what is due."""
