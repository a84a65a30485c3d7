"""merge the follow-up pulse's devices (0012) with main's head (0014), made side by side on 0010

Revision ID: 0015
Revises: 0014, 0012
Create Date: 2026-12-06
"""

revision = '0015'
down_revision = ('0014', '0012')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
