"""the follow-up pulse after the day: the devices that answered (a hash of each device's key, to
answer once; no time, no participant)

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pulse_devices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pulse_id', sa.Integer(), nullable=False),
        sa.Column('device_hash', sa.String(length=64), nullable=False),
        sa.Column('sector', sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(['pulse_id'], ['pulses.id'], name=op.f('fk_pulse_devices_pulse_id_pulses')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pulse_devices')),
        sa.UniqueConstraint('pulse_id', 'device_hash', name=op.f('uq_pulse_devices_pulse_id_device_hash'))
    )
    with op.batch_alter_table('pulse_devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pulse_devices_pulse_id'), ['pulse_id'], unique=False)


def downgrade() -> None:
    op.drop_table('pulse_devices')
