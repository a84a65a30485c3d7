"""the agenda: segments of the day, caucus rooms by sector, strengths, priorities, solution rooms' drafts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-13

Every existing workshop gets the `short` agenda (the day of before: breakout, prioritise,
action_plan, closing), standing on the segment its phase is in (docs/agenda.md).
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SHORT = ["breakout", "prioritise", "action_plan", "closing"]
SEGMENT_OF_PHASE = {"breakouts": 0, "plenary": 1, "action_plan": 2, "closed": 3}


def upgrade() -> None:
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('segment', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('plenary_vote_closed', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('prompts', sa.JSON(), nullable=True))
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sectors', sa.JSON(), nullable=True))
    with op.batch_alter_table('barriers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='barrier'))
    with op.batch_alter_table('plenary_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), nullable=True))
    with op.batch_alter_table('plan_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_plan_entries_room_id_rooms'), 'rooms', ['room_id'], ['id'])

    bind = op.get_bind()
    workshops = sa.table('workshops', sa.column('id', sa.String()), sa.column('phase', sa.String()),
                         sa.column('agenda', sa.JSON()), sa.column('segment', sa.Integer()),
                         sa.column('prompts', sa.JSON()))
    for ws_id, phase in bind.execute(sa.select(workshops.c.id, workshops.c.phase)).all():
        bind.execute(workshops.update().where(workshops.c.id == ws_id).values(
            agenda=SHORT, segment=SEGMENT_OF_PHASE.get(phase, 0), prompts={}))
    rooms = sa.table('rooms', sa.column('sectors', sa.JSON()))
    bind.execute(rooms.update().values(sectors=[]))
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.alter_column('agenda', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('prompts', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.alter_column('sectors', existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_entries_room_id_rooms'), type_='foreignkey')
        batch_op.drop_column('room_id')
    with op.batch_alter_table('plenary_items', schema=None) as batch_op:
        batch_op.drop_column('priority')
    with op.batch_alter_table('barriers', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('sectors')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('prompts')
        batch_op.drop_column('plenary_vote_closed')
        batch_op.drop_column('segment')
        batch_op.drop_column('agenda')
