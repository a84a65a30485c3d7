"""the trust pulse: pulses, their counts, and who answered (kept apart from what they answered)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-14
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pulses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('label', sa.String(length=20), nullable=False),
        sa.Column('questions', sa.JSON(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_pulses_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulses')),
        sa.UniqueConstraint('workshop_id', 'label', name=op.f('uq_pulses_workshop_id_label'))
    )
    with op.batch_alter_table('pulses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulses_workshop_id'), ['workshop_id'], unique=False)
    op.create_table('pulse_tallies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pulse_id', sa.Integer(), nullable=False),
        sa.Column('sector', sa.String(length=30), nullable=False),
        sa.Column('question', sa.String(length=30), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['pulse_id'], ['pulses.id'], name=op.f('fk_pulse_tallies_pulse_id_pulses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_tallies')),
        sa.UniqueConstraint('pulse_id', 'sector', 'question', 'value',
                            name=op.f('uq_pulse_tallies_pulse_id_sector_question_value'))
    )
    with op.batch_alter_table('pulse_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_tallies_pulse_id'), ['pulse_id'], unique=False)
    op.create_table('pulse_responders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pulse_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('sector', sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_pulse_responders_participant_id_participants')),
        sa.ForeignKeyConstraint(['pulse_id'], ['pulses.id'], name=op.f('fk_pulse_responders_pulse_id_pulses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_responders')),
        sa.UniqueConstraint('pulse_id', 'participant_id', name=op.f('uq_pulse_responders_pulse_id_participant_id'))
    )
    with op.batch_alter_table('pulse_responders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_responders_pulse_id'), ['pulse_id'], unique=False)


def downgrade() -> None:
    op.drop_table('pulse_responders')
    op.drop_table('pulse_tallies')
    op.drop_table('pulses')
