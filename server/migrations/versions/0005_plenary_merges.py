"""merging duplicate items on the plenary board (plenary_merge, plenary_merge_undo)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plenary_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_plenary_items_merged_into_id_plenary_items'), 'plenary_items',
                                    ['merged_into_id'], ['id'])
    op.create_table('plenary_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('moved_votes', sa.JSON(), nullable=False),
    sa.Column('returned_votes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['item_id'], ['plenary_items.id'], name=op.f('fk_plenary_merges_item_id_plenary_items')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_plenary_merges_workshop_id_workshops')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plenary_merges'))
    )
    with op.batch_alter_table('plenary_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plenary_merges_workshop_id'), ['workshop_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plenary_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plenary_merges_workshop_id'))
    op.drop_table('plenary_merges')
    with op.batch_alter_table('plenary_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plenary_items_merged_into_id_plenary_items'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
