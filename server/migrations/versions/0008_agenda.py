"""the agenda: segments of the day, caucus rooms by sector, strengths, priorities, solution rooms' drafts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-13

Every existing workshop gets the `short` agenda (the day of before: breakout, prioritise,
action_plan, closing), standing on the segment its phase is in (docs/agenda.md).
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

SHORT = ["breakout", "prioritise", "action_plan", "closing"]
SEGMENT_OF_PHASE = {"breakouts": 0, "plenary": 1, "action_plan": 2, "closed": 3}


def upgrade() -> None:
    # Plain ADD COLUMN with a default (no table is rebuilt: SQLite could not drop a table other
    # rows refer to while it checks foreign keys).
    op.add_column('workshops', sa.Column('agenda', sa.JSON(), nullable=False,
                                         server_default=sa.text("'" + json.dumps(SHORT) + "'")))
    op.add_column('workshops', sa.Column('segment', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('workshops', sa.Column('plenary_vote_closed', sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    op.add_column('workshops', sa.Column('prompts', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    op.add_column('rooms', sa.Column('sectors', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column('barriers', sa.Column('kind', sa.String(length=20), nullable=False, server_default='barrier'))
    op.add_column('plenary_items', sa.Column('priority', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in one ALTER (no ALTER of constraints there).
        op.execute("ALTER TABLE plan_entries ADD COLUMN room_id INTEGER "
                   "CONSTRAINT fk_plan_entries_room_id_rooms REFERENCES rooms (id)")
    else:
        op.add_column('plan_entries', sa.Column('room_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_plan_entries_room_id_rooms'), 'plan_entries', 'rooms', ['room_id'], ['id'])

    bind = op.get_bind()
    workshops = sa.table('workshops', sa.column('phase', sa.String()), sa.column('segment', sa.Integer()))
    for phase, segment in SEGMENT_OF_PHASE.items():
        bind.execute(workshops.update().where(workshops.c.phase == phase).values(segment=segment))


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
