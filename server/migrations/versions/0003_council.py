"""the council after the day: progress link, council members' links, dated notes on plan entries

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_workshops_progress_token'), ['progress_token'])
    # Existing workshops get their progress link too.
    conn = op.get_bind()
    workshops = sa.table('workshops', sa.column('id', sa.String), sa.column('progress_token', sa.String))
    for (wid,) in conn.execute(sa.select(workshops.c.id)).all():
        conn.execute(workshops.update().where(workshops.c.id == wid)
                     .values(progress_token=secrets.token_urlsafe(24)))

    op.create_table('council_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_council_links_participant_id_participants')),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_council_links_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_council_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_council_links_token_hash'))
    )
    with op.batch_alter_table('council_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_links_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_links_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('plan_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['plan_entries.id'], name=op.f('fk_plan_notes_entry_id_plan_entries')),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_plan_notes_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_notes'))
    )
    with op.batch_alter_table('plan_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_notes_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_notes_workshop_id'), ['workshop_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_notes_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_plan_notes_entry_id'))
    op.drop_table('plan_notes')
    with op.batch_alter_table('council_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_links_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_council_links_participant_id'))
    op.drop_table('council_links')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_workshops_progress_token'), type_='unique')
        batch_op.drop_column('progress_token')
