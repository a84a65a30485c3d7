"""keep a post's original text when a facilitator corrects it (post_edit)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('barriers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_text', sa.Text(), nullable=True))
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_text', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('solutions', schema=None) as batch_op:
        batch_op.drop_column('original_text')
    with op.batch_alter_table('barriers', schema=None) as batch_op:
        batch_op.drop_column('original_text')
