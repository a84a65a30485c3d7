"""merge the workspace (0011) and the council's meetings (0013), made side by side on 0010

Revision ID: 0014
Revises: 0011, 0013
Create Date: 2026-12-15
"""

revision = '0014'
down_revision = ('0011', '0013')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
