"""the organiser workspace: accounts, workshop organisers, kept links, the workspace's audit trail

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('password_hash', sa.String(length=200), nullable=True),
        sa.Column('is_admin', sa.Boolean(), nullable=False),
        sa.Column('session_version', sa.Integer(), nullable=False),
        sa.Column('reset_hash', sa.String(length=64), nullable=True),
        sa.Column('reset_expires', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
        sa.UniqueConstraint('email', name=op.f('uq_accounts_email'))
    )
    op.create_table('workshop_organisers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_workshop_organisers_account_id_accounts')),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'],
                                name=op.f('fk_workshop_organisers_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_organisers')),
        sa.UniqueConstraint('workshop_id', 'account_id', name=op.f('uq_workshop_organisers_workshop_id_account_id'))
    )
    with op.batch_alter_table('workshop_organisers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workshop_organisers_workshop_id'), ['workshop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workshop_organisers_account_id'), ['account_id'], unique=False)
    op.create_table('kept_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('sealed', sa.Text(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_kept_links_room_id_rooms')),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_kept_links_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_links')),
        sa.UniqueConstraint('workshop_id', 'kind', 'room_id', name=op.f('uq_kept_links_workshop_id_kind_room_id'))
    )
    with op.batch_alter_table('kept_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kept_links_workshop_id'), ['workshop_id'], unique=False)
    op.create_table('workspace_audit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_workspace_audit_account_id_accounts')),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'],
                                name=op.f('fk_workspace_audit_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workspace_audit'))
    )
    with op.batch_alter_table('workspace_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workspace_audit_workshop_id'), ['workshop_id'], unique=False)


def downgrade() -> None:
    op.drop_table('workspace_audit')
    op.drop_table('kept_links')
    op.drop_table('workshop_organisers')
    op.drop_table('accounts')
