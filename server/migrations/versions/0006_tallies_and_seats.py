"""hidden vote tallies by default (workshops.live_tallies); seat codes to re-join on another device

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live_tallies', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seat_code_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('seat_code_hash')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_column('live_tallies')
