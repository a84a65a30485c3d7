"""sectors named by the organiser; every existing workshop gets the four groups it had as its sectors

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-12

A participant's `group` already holds one of the four keys below, which become the keys of the
workshop's sectors, so no participant row changes. The names are the `groups` preset's as this
revision was written (server/domain/sectors.py may change later; a migration does not).
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# key, side, names
GROUPS = (
    ("law_enforcement", "law_enforcement",
     {"en": "Law enforcement", "es": "Fuerzas del orden", "fa": "نیروی انتظامی و پلیس"}),
    ("community_member", "community",
     {"en": "Community member", "es": "Miembro de la comunidad", "fa": "عضو جامعه"}),
    ("community_org", "community",
     {"en": "Community organisation", "es": "Organización comunitaria", "fa": "سازمان اجتماعی"}),
    ("government_other", "other",
     {"en": "Government or other", "es": "Gobierno u otro", "fa": "نهاد دولتی یا سایر"}),
)


def upgrade() -> None:
    sectors = op.create_table('sectors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.String(length=32), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=30), nullable=False),
        sa.Column('names', sa.JSON(), nullable=False),
        sa.Column('side', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_sectors_workshop_id_workshops')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sectors')),
        sa.UniqueConstraint('workshop_id', 'key', name=op.f('uq_sectors_workshop_id_key'))
    )
    with op.batch_alter_table('sectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sectors_workshop_id'), ['workshop_id'], unique=False)

    workshops = sa.table('workshops', sa.column('id', sa.String()), sa.column('languages', sa.JSON()))
    rows = []
    for ws_id, languages in op.get_bind().execute(sa.select(workshops.c.id, workshops.c.languages)):
        for position, (key, side, names) in enumerate(GROUPS):
            rows.append({"workshop_id": ws_id, "position": position, "key": key, "side": side,
                         "names": {lang: names.get(lang, names["en"]) for lang in languages or ["en"]}})
    if rows:
        op.bulk_insert(sectors, rows)


def downgrade() -> None:
    with op.batch_alter_table('sectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sectors_workshop_id'))
    op.drop_table('sectors')
