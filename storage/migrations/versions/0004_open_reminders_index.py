"""open reminders index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_OPEN = sa.text("sent_at IS NULL AND dropped_at IS NULL")


def upgrade() -> None:
    # A partial index: the dispatcher's poll reads only the rows still to send, however many
    # sent rows the table keeps (both SQLite and PostgreSQL support it).
    op.create_index(
        'ix_reminders_open',
        'reminders',
        ['due_at', 'id'],
        unique=False,
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )


def downgrade() -> None:
    op.drop_index('ix_reminders_open', table_name='reminders')
