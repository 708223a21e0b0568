"""reminders and company

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:09:48.343445
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signup_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_help_requests_signup_id'), ['signup_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_help_requests_signup_id', 'signups', ['signup_id'], ['id'], ondelete='SET NULL'
        )

    with op.batch_alter_table('people', schema=None) as batch_op:
        # Existing people keep getting reminders.
        batch_op.add_column(
            sa.Column('reminders_off', sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_reminders_signup_kind', ['signup_id', 'kind'])


def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint('uq_reminders_signup_kind', type_='unique')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('reminders_off')

    with op.batch_alter_table('help_requests', schema=None) as batch_op:
        batch_op.drop_constraint('fk_help_requests_signup_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_help_requests_signup_id'))
        batch_op.drop_column('signup_id')
