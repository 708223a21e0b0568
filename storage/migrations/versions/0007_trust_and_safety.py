"""municipalities, coordinator kinds, suspension, re-vetting, safety reports, address posts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 22:20:00

Existing coordinators without an organisation become the municipality's own coordinators;
those with an organisation keep it. Every area belongs to the one municipality there is.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'municipalities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name'),
    )
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_areas_municipality_id', ['municipality_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_areas_municipality', 'municipalities', ['municipality_id'], ['id'],
            ondelete='SET NULL',
        )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_people_municipality_id', ['municipality_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_people_municipality', 'municipalities', ['municipality_id'], ['id'],
            ondelete='SET NULL',
        )
    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('suspend_reason', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('revet_reminded_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            'fk_profiles_suspended_by', 'people', ['suspended_by_id'], ['id'],
            ondelete='SET NULL',
        )
    with op.batch_alter_table('task_posts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('kind', sa.String(length=8), server_default='offer', nullable=False)
        )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=40), nullable=True))
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edit_message_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('about_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_outbound_messages_about_id', ['about_id'], unique=False)
        batch_op.create_index('ix_outbound_messages_request_id', ['request_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_outbound_about', 'people', ['about_id'], ['id'], ondelete='SET NULL'
        )
        batch_op.create_foreign_key(
            'fk_outbound_request', 'help_requests', ['request_id'], ['id'], ondelete='SET NULL'
        )
    op.create_table(
        'safety_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=True),
        sa.Column('volunteer_id', sa.Integer(), nullable=True),
        sa.Column('request_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('handled_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['handled_by_id'], ['people.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['reporter_id'], ['people.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['help_requests.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['volunteer_id'], ['people.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('safety_reports', schema=None) as batch_op:
        batch_op.create_index('ix_safety_reports_reporter_id', ['reporter_id'], unique=False)
        batch_op.create_index('ix_safety_reports_request_id', ['request_id'], unique=False)
        batch_op.create_index('ix_safety_reports_volunteer_id', ['volunteer_id'], unique=False)

    # The one municipality there is; its areas and its own (organisation-less) coordinators.
    municipalities = sa.table(
        'municipalities',
        sa.column('id', sa.Integer),
        sa.column('name', sa.String),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        municipalities, [{'id': 1, 'name': 'Kommunen', 'created_at': datetime.now(timezone.utc)}]
    )
    op.execute("UPDATE areas SET municipality_id = 1")
    op.execute(
        "UPDATE people SET municipality_id = 1 WHERE organisation_id IS NULL AND id IN "
        "(SELECT person_id FROM roles WHERE role = 'coordinator')"
    )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':  # the explicit id 1 must not collide later
        op.execute(
            "SELECT setval(pg_get_serial_sequence('municipalities', 'id'), "
            "(SELECT MAX(id) FROM municipalities))"
        )


def downgrade() -> None:
    with op.batch_alter_table('safety_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_safety_reports_volunteer_id')
        batch_op.drop_index('ix_safety_reports_request_id')
        batch_op.drop_index('ix_safety_reports_reporter_id')
    op.drop_table('safety_reports')
    with op.batch_alter_table('outbound_messages', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbound_request', type_='foreignkey')
        batch_op.drop_constraint('fk_outbound_about', type_='foreignkey')
        batch_op.drop_index('ix_outbound_messages_request_id')
        batch_op.drop_index('ix_outbound_messages_about_id')
        batch_op.drop_column('request_id')
        batch_op.drop_column('about_id')
        batch_op.drop_column('edit_message_id')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('task_posts', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('volunteer_profiles', schema=None) as batch_op:
        batch_op.drop_constraint('fk_profiles_suspended_by', type_='foreignkey')
        batch_op.drop_column('revet_reminded_at')
        batch_op.drop_column('suspend_reason')
        batch_op.drop_column('suspended_by_id')
        batch_op.drop_column('suspended_at')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_constraint('fk_people_municipality', type_='foreignkey')
        batch_op.drop_index('ix_people_municipality_id')
        batch_op.drop_column('municipality_id')
    with op.batch_alter_table('areas', schema=None) as batch_op:
        batch_op.drop_constraint('fk_areas_municipality', type_='foreignkey')
        batch_op.drop_index('ix_areas_municipality_id')
        batch_op.drop_column('municipality_id')
    op.drop_table('municipalities')
