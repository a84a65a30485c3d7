"""each dot knows its item's room (votes.room_id), so a room's counts read one index (issue 18)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_votes_room_id_rooms'), 'rooms', ['room_id'], ['id'])
    # Every dot on a room's item takes the item's room; a plenary item's dot has none.
    votes = sa.table('votes', sa.column('room_id', sa.Integer()), sa.column('target_type', sa.String()),
                     sa.column('target_id', sa.Integer()))
    for kind, name in (('barrier', 'barriers'), ('solution', 'solutions')):
        items = sa.table(name, sa.column('id', sa.Integer()), sa.column('room_id', sa.Integer()))
        room = sa.select(items.c.room_id).where(items.c.id == votes.c.target_id).scalar_subquery()
        op.execute(votes.update().where(votes.c.target_type == kind).values(room_id=room))
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_room_id_target_type', ['room_id', 'target_type', 'participant_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_room_id_target_type')
        batch_op.drop_constraint(batch_op.f('fk_votes_room_id_rooms'), type_='foreignkey')
        batch_op.drop_column('room_id')
