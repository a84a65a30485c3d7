"""the council elected by its sectors: elections, candidates, counts per candidate, and who voted
(kept apart from whom they voted for)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('elections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('runoff_of', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('seats', sa.JSON(), nullable=False),
        sa.Column('results', sa.JSON(), nullable=True),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['runoff_of'], ['elections.id'], name=op.f('fk_elections_runoff_of_elections')),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_elections_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_elections'))
    )
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elections_workshop_id'), ['workshop_id'], unique=False)
    op.create_table('election_candidates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('constituency', sa.String(length=30), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_election_candidates_election_id_elections')),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_election_candidates_participant_id_participants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_election_candidates')),
        sa.UniqueConstraint('election_id', 'participant_id',
                            name=op.f('uq_election_candidates_election_id_participant_id'))
    )
    with op.batch_alter_table('election_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_candidates_election_id'), ['election_id'], unique=False)
    op.create_table('election_tallies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['election_candidates.id'],
                                name=op.f('fk_election_tallies_candidate_id_election_candidates')),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_election_tallies_election_id_elections')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_election_tallies')),
        sa.UniqueConstraint('election_id', 'candidate_id', name=op.f('uq_election_tallies_election_id_candidate_id'))
    )
    with op.batch_alter_table('election_tallies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_tallies_election_id'), ['election_id'], unique=False)
    op.create_table('election_voters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('election_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('electorate', sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(['election_id'], ['elections.id'],
                                name=op.f('fk_election_voters_election_id_elections')),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'],
                                name=op.f('fk_election_voters_participant_id_participants')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_election_voters')),
        sa.UniqueConstraint('election_id', 'participant_id', name=op.f('uq_election_voters_election_id_participant_id'))
    )
    with op.batch_alter_table('election_voters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_voters_election_id'), ['election_id'], unique=False)


def downgrade() -> None:
    op.drop_table('election_voters')
    op.drop_table('election_tallies')
    op.drop_table('election_candidates')
    op.drop_table('elections')
