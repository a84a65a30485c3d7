"""separate phones' tokens from every other link's (the link takeover through join's device key)

Before this release a phone's device key became its token, so a device key equal to an organiser,
projector, facilitator, council or progress link's token made that link connect as a participant
(participants are looked up first). The join now refuses such keys and derives phones' tokens from
their keys (server/domain/auth.py); this data migration gives any participant row already holding
another link's token hash a fresh random one no one holds, so the taken link gets its role back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""
import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

participants = sa.table('participants', sa.column('id', sa.Integer), sa.column('token_hash', sa.String))
workshops = sa.table('workshops', sa.column('organiser_token_hash', sa.String),
                     sa.column('display_token_hash', sa.String), sa.column('progress_token', sa.String))
invites = sa.table('facilitator_invites', sa.column('token_hash', sa.String))
council_links = sa.table('council_links', sa.column('token_hash', sa.String))


def upgrade() -> None:
    separate(op.get_bind())


def separate(conn) -> int:
    """Give every participant row holding another link's token hash a fresh one; returns how many."""
    taken = set()
    for column in (workshops.c.organiser_token_hash, workshops.c.display_token_hash, invites.c.token_hash,
                   council_links.c.token_hash):
        taken.update(conn.scalars(sa.select(column)))
    taken.update(hashlib.sha256(t.encode("utf-8")).hexdigest()
                 for t in conn.scalars(sa.select(workshops.c.progress_token)) if t)
    moved = 0
    for pid, h in conn.execute(sa.select(participants.c.id, participants.c.token_hash)).all():
        if h in taken:
            fresh = hashlib.sha256(secrets.token_urlsafe(24).encode("utf-8")).hexdigest()
            conn.execute(sa.update(participants).where(participants.c.id == pid).values(token_hash=fresh))
            moved += 1
    return moved


def downgrade() -> None:
    pass  # the taken-over tokens are not given back
