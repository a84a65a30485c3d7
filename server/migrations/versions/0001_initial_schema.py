"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('workshops',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('date', sa.String(length=40), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('display_language', sa.String(length=16), nullable=False),
    sa.Column('join_code', sa.String(length=16), nullable=False),
    sa.Column('vote_budget', sa.Integer(), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('paused', sa.Boolean(), nullable=False),
    sa.Column('pause_message', sa.String(length=500), nullable=True),
    sa.Column('organiser_token_hash', sa.String(length=64), nullable=False),
    sa.Column('display_token_hash', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshops')),
    sa.UniqueConstraint('display_token_hash', name=op.f('uq_workshops_display_token_hash')),
    sa.UniqueConstraint('join_code', name=op.f('uq_workshops_join_code')),
    sa.UniqueConstraint('organiser_token_hash', name=op.f('uq_workshops_organiser_token_hash'))
    )
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_audit_entries_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('command_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_command_records_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_command_records')),
    sa.UniqueConstraint('workshop_id', 'actor', 'client_id', name=op.f('uq_command_records_workshop_id_actor_client_id'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_events_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('workshop_id', 'seq', name=op.f('uq_events_workshop_id_seq'))
    )
    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=False),
    sa.Column('revealed', sa.Boolean(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=True),
    sa.Column('help_requested_at', sa.DateTime(), nullable=True),
    sa.Column('help_message', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_rooms_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms')),
    sa.UniqueConstraint('workshop_id', 'number', name=op.f('uq_rooms_workshop_id_number'))
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rooms_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('facilitator_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_facilitator_invites_room_id_rooms')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_facilitator_invites_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilitator_invites')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_facilitator_invites_token_hash'))
    )
    with op.batch_alter_table('facilitator_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_facilitator_invites_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=True),
    sa.Column('group', sa.String(length=30), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_participants_room_id_rooms')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_participants_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participants')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_participants_token_hash'))
    )
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participants_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participants_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('barriers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('is_shared', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=300), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['participants.id'], name=op.f('fk_barriers_author_id_participants')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['barriers.id'], name=op.f('fk_barriers_merged_into_id_barriers')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_barriers_room_id_rooms')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_barriers_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barriers'))
    )
    with op.batch_alter_table('barriers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_barriers_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_barriers_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_barriers_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('council_volunteers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_council_volunteers_participant_id_participants')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_council_volunteers_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_volunteers')),
    sa.UniqueConstraint('participant_id', name=op.f('uq_council_volunteers_participant_id'))
    )
    with op.batch_alter_table('council_volunteers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_volunteers_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_votes_participant_id_participants')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_votes_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('participant_id', 'target_type', 'target_id', name=op.f('uq_votes_participant_id_target_type_target_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_votes_target_id'), ['target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_votes_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('shared_id', sa.Integer(), nullable=False),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('moved_votes', sa.JSON(), nullable=False),
    sa.Column('returned_votes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_merges_room_id_rooms')),
    sa.ForeignKeyConstraint(['shared_id'], ['barriers.id'], name=op.f('fk_merges_shared_id_barriers')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_merges_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_merges'))
    )
    with op.batch_alter_table('merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_merges_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('plenary_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('barrier_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('room_votes', sa.Integer(), nullable=False),
    sa.Column('solutions', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['barrier_id'], ['barriers.id'], name=op.f('fk_plenary_items_barrier_id_barriers')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_plenary_items_room_id_rooms')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_plenary_items_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plenary_items')),
    sa.UniqueConstraint('barrier_id', name=op.f('uq_plenary_items_barrier_id'))
    )
    with op.batch_alter_table('plenary_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plenary_items_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('solutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('barrier_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('hidden_reason', sa.String(length=300), nullable=True),
    sa.Column('withdrawn', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['participants.id'], name=op.f('fk_solutions_author_id_participants')),
    sa.ForeignKeyConstraint(['barrier_id'], ['barriers.id'], name=op.f('fk_solutions_barrier_id_barriers')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_solutions_room_id_rooms')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_solutions_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solutions'))
    )
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solutions_barrier_id'), ['barrier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_solutions_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_solutions_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('plan_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('plenary_item_id', sa.Integer(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('versions', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plenary_item_id'], ['plenary_items.id'], name=op.f('fk_plan_entries_plenary_item_id_plenary_items')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_plan_entries_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_entries'))
    )
    with op.batch_alter_table('plan_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_entries_workshop_id'), ['workshop_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('plan_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_entries_workshop_id'))

    op.drop_table('plan_entries')
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solutions_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_solutions_room_id'))
        batch_op.drop_index(batch_op.f('ix_solutions_barrier_id'))

    op.drop_table('solutions')
    with op.batch_alter_table('plenary_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plenary_items_workshop_id'))

    op.drop_table('plenary_items')
    with op.batch_alter_table('merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_merges_workshop_id'))

    op.drop_table('merges')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_votes_target_id'))
        batch_op.drop_index(batch_op.f('ix_votes_participant_id'))

    op.drop_table('votes')
    with op.batch_alter_table('council_volunteers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_volunteers_workshop_id'))

    op.drop_table('council_volunteers')
    with op.batch_alter_table('barriers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barriers_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_barriers_room_id'))
        batch_op.drop_index(batch_op.f('ix_barriers_merged_into_id'))

    op.drop_table('barriers')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participants_workshop_id'))
        batch_op.drop_index(batch_op.f('ix_participants_room_id'))

    op.drop_table('participants')
    with op.batch_alter_table('facilitator_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_facilitator_invites_workshop_id'))

    op.drop_table('facilitator_invites')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rooms_workshop_id'))

    op.drop_table('rooms')
    op.drop_table('events')
    op.drop_table('command_records')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_workshop_id'))

    op.drop_table('audit_entries')
    op.drop_table('workshops')
    
