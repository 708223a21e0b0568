"""read aloud, outbound messages, conversation state age

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 10:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

PENDING = "sent_at IS NULL AND failed_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('read_aloud', sa.Boolean(), server_default=sa.text('false'), nullable=False)
        )
    with op.batch_alter_table('persisted_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'outbound_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chat_id', sa.BigInteger(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('markup', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('message_id', sa.BigInteger(), nullable=True),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_messages_chat_id', ['chat_id'], unique=False)
        batch_op.create_index(
            'ix_outbound_pending', ['next_attempt_at', 'id'], unique=False,
            sqlite_where=sa.text(PENDING), postgresql_where=sa.text(PENDING),
        )


def downgrade() -> None:
    op.drop_table('outbound_messages')
    with op.batch_alter_table('persisted_state', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('read_aloud')
