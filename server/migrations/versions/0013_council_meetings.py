"""the council's meetings after the day (a date and time in its time zone, a place, an agenda, minutes);
an action's due date lives among the plan entry's fields (`due`)

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('council_meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('starts_at', sa.String(length=16), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('duration_minutes', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('agenda', sa.Text(), nullable=False),
        sa.Column('minutes', sa.Text(), nullable=False),
        sa.Column('minutes_version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'],
                                name=op.f('fk_council_meetings_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meetings'))
    )
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_meetings_workshop_id'), ['workshop_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_meetings_workshop_id'))
    op.drop_table('council_meetings')
