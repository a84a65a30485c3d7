"""Headings and labels of the exports, in English, Spanish and Persian.

User text (barriers, solutions, plan fields, names) is never translated;
only the report's own words are. Add a language by adding a dict with the
same keys (tests/test_exports.py checks every language has every key).
"""
from __future__ import annotations

import re

RTL_LANGUAGES = ("fa", "ar", "ur", "he")

CATALOGUE: dict[str, dict[str, str]] = {
    "en": {
        "report_title": "Report of the day",
        "plan_title": "Action plan",
        "generated": "Generated",
        "date": "Date",
        "place": "Place",
        "phase": "Phase",
        "participation": "Participation",
        "participation_chart": "People by stakeholder group",
        "votes_chart": "Dots cast by stakeholder group",
        "people": "People",
        "room": "Room",
        "page_of": "Page {page} of {pages}",
        "total": "Total",
        "common_ground": "Common ground: where police and community agree",
        "common_ground_intro": "Ranked by the weaker side's support: the share of police and the share of community "
                               "members who gave the item a dot, whichever is lower. Ties are broken by the number of dots.",
        "agreement": "Agreement",
        "police": "Police",
        "community": "Community",
        "kind": "Kind",
        "item": "Item",
        "votes": "Dots",
        "barriers": "Barriers to trust",
        "barrier": "Barrier",
        "solutions": "Solutions",
        "solution": "Solution",
        "plenary_item": "Plenary item",
        "merged_from": "Merged from",
        "merges": "Merges",
        "merge_undone": "undone",
        "returned_votes": "dots returned",
        "by": "by",
        "pushed": "on the plenary board",
        "moderation": "Moderation",
        "hidden_barriers": "Barriers hidden",
        "hidden_solutions": "Solutions hidden",
        "restored": "Posts restored",
        "reasons": "Reasons given",
        "timeline": "Timeline",
        "time": "Time",
        "who": "Who",
        "what": "What",
        "plenary": "Plenary board",
        "room_votes": "Dots in the room",
        "plenary_votes": "Plenary dots",
        "council": "Council",
        "council_volunteers": "Volunteers",
        "role": "Role",
        "group": "Group",
        "name": "Name",
        "no_name": "(no name given)",
        "none": "None.",
        "suppressed_note": "‡ not shown: fewer than {k} people of this group in this room (or shown it would let "
                           "someone work out such a group's dots by subtraction). — nobody of this group here.",
        "split_note": "Group cells read dots / people.",
        "in_plan": "in the plan",
        "organiser": "Organiser",
        "facilitator": "Facilitator",
        "system": "System",
        # groups
        "group_law_enforcement": "Law enforcement",
        "group_community_member": "Community member",
        "group_community_org": "Community organisation",
        "group_government_other": "Government / other",
        # council roles
        "role_co_chair": "Co-chair",
        "role_co_chair_law_enforcement": "Co-chair (law enforcement)",
        "role_co_chair_community": "Co-chair (community)",
        "role_member": "Member",
        # plan fields
        "field_position": "#",
        "field_title": "Title",
        "field_solution": "Solution",
        "field_actions": "Actions",
        "field_owner": "Owner",
        "field_timeline": "Timeline",
        "field_resources": "Resources",
        "field_success_measure": "Measure of success",
        "field_status": "Status",
        "field_council_lead": "Council lead",
        "field_co_lead_law_enforcement": "Co-lead (law enforcement)",
        "field_co_lead_community": "Co-lead (community)",
        "field_notes": "Notes",
        "role_organiser": "Organiser",
        # plan statuses
        "status_proposed": "Proposed",
        "status_agreed": "Agreed",
        "status_in_progress": "In progress",
        "status_done": "Done",
        "status_dropped": "Dropped",
        # phases
        "phase_breakouts": "Breakouts",
        "phase_plenary": "Plenary",
        "phase_action_plan": "Action plan",
        "phase_closed": "Closed",
        "phase_lobby": "Lobby",
        "phase_brainstorm": "Silent brainstorm",
        "phase_reveal": "Reveal",
        "phase_vote": "Vote",
        "phase_solutions": "Solutions",
        "phase_report_out": "Report-out",
        # timeline actions
        "act_phase": "{room}: {phase}",
        "act_workshop_phase": "Workshop: {phase}",
        "act_merge": "{room}: {count} barriers merged",
        "act_merge_undo": "{room}: a merge undone",
        "act_hide": "{room}: a post hidden",
        "act_restore": "{room}: a post restored",
        "act_report_push": "{room}: {count} items pushed to the plenary",
        "act_report_withdraw": "A plenary item withdrawn",
        "act_plan_create": "Action-plan entry added",
        "act_council_role": "Council: {name} — {role}",
        "act_pause": "Workshop paused",
        "act_resume": "Workshop resumed",
        "act_edit": "{room}: a post corrected (original kept)",
        "act_remove": "{room}: a participant removed",
        "act_facilitator_revoke": "{room}: the facilitator link revoked",
        "act_facilitator_invite_renew": "{room}: a new facilitator link issued",
        "act_merge_object": "{room}: an author of a merged barrier objected",
        "act_merge_objection_dismiss": "{room}: a merge kept despite an objection",
        "act_purge": "Personal data erased by the organiser (names, contact details, links)",
        "act_expire": "Personal data erased when the links expired (names, contact details, links)",
        "participant": "Participant",
        "moderation_actions": "Facilitator actions",
        "mod_hide": "Posts hidden",
        "mod_restore": "Posts restored",
        "mod_edit": "Posts corrected (original kept)",
        "mod_remove": "Participants removed",
        "mod_facilitator_revoke": "Facilitator links revoked",
        "mod_facilitator_invite_renew": "Facilitator links issued again",
        "mod_merge_object": "Objections to a merge",
        "mod_merge_objection_dismiss": "Objections dismissed (merge kept)",
        "mod_merge_objection_undone": "Objections resolved by undoing the merge",
    },
    "es": {
        "report_title": "Informe de la jornada",
        "plan_title": "Plan de acción",
        "generated": "Generado",
        "date": "Fecha",
        "place": "Lugar",
        "phase": "Fase",
        "participation": "Participación",
        "participation_chart": "Personas por grupo",
        "votes_chart": "Puntos emitidos por grupo",
        "people": "Personas",
        "room": "Sala",
        "page_of": "Página {page} de {pages}",
        "total": "Total",
        "common_ground": "Terreno común: donde policía y comunidad coinciden",
        "common_ground_intro": "Ordenado por el apoyo del lado más débil: la proporción de policías y la de miembros de "
                               "la comunidad que dieron un punto al tema, la que sea menor. Los empates se deciden por "
                               "el número de puntos.",
        "agreement": "Acuerdo",
        "police": "Policía",
        "community": "Comunidad",
        "kind": "Tipo",
        "item": "Tema",
        "votes": "Puntos",
        "barriers": "Barreras a la confianza",
        "barrier": "Barrera",
        "solutions": "Soluciones",
        "solution": "Solución",
        "plenary_item": "Tema del plenario",
        "merged_from": "Unida a partir de",
        "merges": "Uniones",
        "merge_undone": "deshecha",
        "returned_votes": "puntos devueltos",
        "by": "por",
        "pushed": "en el plenario",
        "moderation": "Moderación",
        "hidden_barriers": "Barreras ocultadas",
        "hidden_solutions": "Soluciones ocultadas",
        "restored": "Publicaciones restauradas",
        "reasons": "Motivos indicados",
        "timeline": "Cronología",
        "time": "Hora",
        "who": "Quién",
        "what": "Qué",
        "plenary": "Plenario",
        "room_votes": "Puntos en la sala",
        "plenary_votes": "Puntos en el plenario",
        "council": "Consejo",
        "council_volunteers": "Voluntarios",
        "role": "Función",
        "group": "Grupo",
        "name": "Nombre",
        "no_name": "(sin nombre)",
        "none": "Ninguno.",
        "suppressed_note": "‡ no se muestra: menos de {k} personas de este grupo en esta sala (o mostrarlo permitiría "
                           "deducir por resta los puntos de un grupo así). — nadie de este grupo aquí.",
        "split_note": "Las celdas de grupo indican puntos / personas.",
        "in_plan": "en el plan",
        "organiser": "Organización",
        "facilitator": "Facilitador",
        "system": "Sistema",
        "group_law_enforcement": "Fuerzas del orden",
        "group_community_member": "Miembro de la comunidad",
        "group_community_org": "Organización comunitaria",
        "group_government_other": "Gobierno / otro",
        "role_co_chair": "Copresidencia",
        "role_co_chair_law_enforcement": "Copresidencia (fuerzas del orden)",
        "role_co_chair_community": "Copresidencia (comunidad)",
        "role_member": "Miembro",
        "field_position": "#",
        "field_title": "Título",
        "field_solution": "Solución",
        "field_actions": "Acciones",
        "field_owner": "Responsable",
        "field_timeline": "Plazo",
        "field_resources": "Recursos",
        "field_success_measure": "Medida del éxito",
        "field_status": "Estado",
        "field_council_lead": "Responsable del consejo",
        "field_co_lead_law_enforcement": "Codirección (fuerzas del orden)",
        "field_co_lead_community": "Codirección (comunidad)",
        "field_notes": "Notas",
        "role_organiser": "Organización",
        "status_proposed": "Propuesta",
        "status_agreed": "Acordada",
        "status_in_progress": "En curso",
        "status_done": "Hecha",
        "status_dropped": "Descartada",
        "phase_breakouts": "Salas",
        "phase_plenary": "Plenario",
        "phase_action_plan": "Plan de acción",
        "phase_closed": "Cerrado",
        "phase_lobby": "Espera",
        "phase_brainstorm": "Lluvia de ideas en silencio",
        "phase_reveal": "Revelar",
        "phase_vote": "Votación",
        "phase_solutions": "Soluciones",
        "phase_report_out": "Puesta en común",
        "act_phase": "{room}: {phase}",
        "act_workshop_phase": "Taller: {phase}",
        "act_merge": "{room}: {count} barreras unidas",
        "act_merge_undo": "{room}: una unión deshecha",
        "act_hide": "{room}: una publicación ocultada",
        "act_restore": "{room}: una publicación restaurada",
        "act_report_push": "{room}: {count} temas enviados al plenario",
        "act_report_withdraw": "Un tema retirado del plenario",
        "act_plan_create": "Entrada añadida al plan de acción",
        "act_council_role": "Consejo: {name} — {role}",
        "act_pause": "Taller en pausa",
        "act_resume": "Taller reanudado",
        "act_edit": "{room}: una publicación corregida (se conserva el original)",
        "act_remove": "{room}: una persona retirada del taller",
        "act_facilitator_revoke": "{room}: enlace de facilitación revocado",
        "act_facilitator_invite_renew": "{room}: nuevo enlace de facilitación emitido",
        "act_merge_object": "{room}: una persona autora de una barrera fusionada se opuso",
        "act_merge_objection_dismiss": "{room}: fusión mantenida pese a una objeción",
        "act_purge": "Datos personales borrados por la organización (nombres, contactos, enlaces)",
        "act_expire": "Datos personales borrados al caducar los enlaces (nombres, contactos, enlaces)",
        "participant": "Participante",
        "moderation_actions": "Acciones de facilitación",
        "mod_hide": "Publicaciones ocultadas",
        "mod_restore": "Publicaciones restauradas",
        "mod_edit": "Publicaciones corregidas (se conserva el original)",
        "mod_remove": "Personas retiradas",
        "mod_facilitator_revoke": "Enlaces de facilitación revocados",
        "mod_facilitator_invite_renew": "Enlaces de facilitación emitidos de nuevo",
        "mod_merge_object": "Objeciones a una fusión",
        "mod_merge_objection_dismiss": "Objeciones desestimadas (fusión mantenida)",
        "mod_merge_objection_undone": "Objeciones resueltas deshaciendo la fusión",
    },
    "fa": {
        "report_title": "گزارش روز",
        "plan_title": "برنامهٔ اقدام",
        "generated": "تهیه‌شده در",
        "date": "تاریخ",
        "place": "مکان",
        "phase": "مرحله",
        "participation": "مشارکت",
        "participation_chart": "افراد بر اساس گروه",
        "votes_chart": "رأی‌های داده‌شده بر اساس گروه",
        "people": "افراد",
        "room": "اتاق",
        "page_of": "صفحهٔ {page} از {pages}",
        "total": "جمع",
        "common_ground": "زمینهٔ مشترک: جایی که پلیس و جامعه هم‌نظرند",
        "common_ground_intro": "ترتیب بر اساس حمایت طرف ضعیف‌تر است: سهم پلیس‌ها و سهم اعضای جامعه که به این مورد رأی "
                               "دادند، هر کدام که کمتر باشد. در تساوی، تعداد رأی‌ها تعیین می‌کند.",
        "agreement": "توافق",
        "police": "پلیس",
        "community": "جامعه",
        "kind": "نوع",
        "item": "مورد",
        "votes": "رأی",
        "barriers": "موانع اعتماد",
        "barrier": "مانع",
        "solutions": "راه‌حل‌ها",
        "solution": "راه‌حل",
        "plenary_item": "مورد نشست عمومی",
        "merged_from": "ادغام‌شده از",
        "merges": "ادغام‌ها",
        "merge_undone": "لغوشده",
        "returned_votes": "رأی برگشت داده شد",
        "by": "از",
        "pushed": "در نشست عمومی",
        "moderation": "نظارت",
        "hidden_barriers": "موانع پنهان‌شده",
        "hidden_solutions": "راه‌حل‌های پنهان‌شده",
        "restored": "نوشته‌های بازگردانده",
        "reasons": "دلایل ذکرشده",
        "timeline": "گاه‌شمار",
        "time": "زمان",
        "who": "چه کسی",
        "what": "چه چیزی",
        "plenary": "نشست عمومی",
        "room_votes": "رأی در اتاق",
        "plenary_votes": "رأی در نشست عمومی",
        "council": "شورا",
        "council_volunteers": "داوطلبان",
        "role": "نقش",
        "group": "گروه",
        "name": "نام",
        "no_name": "(بدون نام)",
        "none": "هیچ.",
        "suppressed_note": "‡ نمایش داده نمی‌شود: کمتر از {k} نفر از این گروه در این اتاق بودند (یا نمایش آن امکان "
                           "می‌داد رأی چنین گروهی با تفریق به دست آید). — کسی از این گروه اینجا نبود.",
        "split_note": "خانه‌های گروه: رأی / افراد.",
        "in_plan": "در برنامه",
        "organiser": "برگزارکننده",
        "facilitator": "تسهیلگر",
        "system": "سامانه",
        "group_law_enforcement": "نیروی انتظامی",
        "group_community_member": "عضو جامعه",
        "group_community_org": "سازمان مردمی",
        "group_government_other": "دولت / دیگر",
        "role_co_chair": "رئیس مشترک",
        "role_co_chair_law_enforcement": "رئیس مشترک (نیروی انتظامی)",
        "role_co_chair_community": "رئیس مشترک (جامعه)",
        "role_member": "عضو",
        "field_position": "#",
        "field_title": "عنوان",
        "field_solution": "راه‌حل",
        "field_actions": "اقدامات",
        "field_owner": "مسئول",
        "field_timeline": "زمان‌بندی",
        "field_resources": "منابع",
        "field_success_measure": "سنجش موفقیت",
        "field_status": "وضعیت",
        "field_council_lead": "مسئول در شورا",
        "field_co_lead_law_enforcement": "مسئول مشترک (نیروی انتظامی)",
        "field_co_lead_community": "مسئول مشترک (جامعه)",
        "field_notes": "یادداشت‌ها",
        "role_organiser": "برگزارکننده",
        "status_proposed": "پیشنهادی",
        "status_agreed": "توافق‌شده",
        "status_in_progress": "در جریان",
        "status_done": "انجام‌شده",
        "status_dropped": "کنار گذاشته",
        "phase_breakouts": "گروه‌های کوچک",
        "phase_plenary": "نشست عمومی",
        "phase_action_plan": "برنامهٔ اقدام",
        "phase_closed": "بسته",
        "phase_lobby": "انتظار",
        "phase_brainstorm": "ایده‌پردازی در سکوت",
        "phase_reveal": "نمایش",
        "phase_vote": "رأی‌گیری",
        "phase_solutions": "راه‌حل‌ها",
        "phase_report_out": "گزارش به جمع",
        "act_phase": "{room}: {phase}",
        "act_workshop_phase": "کارگاه: {phase}",
        "act_merge": "{room}: {count} مانع ادغام شد",
        "act_merge_undo": "{room}: یک ادغام لغو شد",
        "act_hide": "{room}: یک نوشته پنهان شد",
        "act_restore": "{room}: یک نوشته بازگردانده شد",
        "act_report_push": "{room}: {count} مورد به نشست عمومی فرستاده شد",
        "act_report_withdraw": "یک مورد از نشست عمومی برداشته شد",
        "act_plan_create": "موردی به برنامهٔ اقدام افزوده شد",
        "act_council_role": "شورا: {name} — {role}",
        "act_pause": "کارگاه متوقف شد",
        "act_resume": "کارگاه ادامه یافت",
        "act_edit": "{room}: یک نوشته اصلاح شد (متن اصلی نگه داشته شد)",
        "act_remove": "{room}: یک شرکت‌کننده کنار گذاشته شد",
        "act_facilitator_revoke": "{room}: پیوند تسهیلگر باطل شد",
        "act_facilitator_invite_renew": "{room}: پیوند تازه برای تسهیلگر صادر شد",
        "act_merge_object": "{room}: نویسنده‌ی یک مانع ادغام‌شده اعتراض کرد",
        "act_merge_objection_dismiss": "{room}: ادغام با وجود اعتراض نگه داشته شد",
        "act_purge": "داده‌های شخصی به دست برگزارکننده پاک شد (نام‌ها، راه‌های تماس، پیوندها)",
        "act_expire": "داده‌های شخصی با پایان اعتبار پیوندها پاک شد (نام‌ها، راه‌های تماس، پیوندها)",
        "participant": "شرکت‌کننده",
        "moderation_actions": "اقدام‌های تسهیلگران",
        "mod_hide": "نوشته‌های پنهان‌شده",
        "mod_restore": "نوشته‌های بازگردانده",
        "mod_edit": "نوشته‌های اصلاح‌شده (متن اصلی نگه داشته شد)",
        "mod_remove": "شرکت‌کنندگان کنارگذاشته",
        "mod_facilitator_revoke": "پیوندهای باطل‌شده‌ی تسهیلگر",
        "mod_facilitator_invite_renew": "پیوندهای دوباره صادرشده‌ی تسهیلگر",
        "mod_merge_object": "اعتراض‌ها به ادغام",
        "mod_merge_objection_dismiss": "اعتراض‌های ردشده (ادغام ماند)",
        "mod_merge_objection_undone": "اعتراض‌هایی که با لغو ادغام حل شد",
    },
}
LANGUAGES = tuple(CATALOGUE)

# Strong right-to-left letters: Hebrew, Arabic (with Persian/Urdu), Syriac, Thaana, NKo, and their presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR = re.compile("[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


# Languages whose reports write numbers in their own digits (CSS counter style of the same name).
DIGITS = {"fa": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")}
COUNTER_STYLES = {"fa": "persian"}


class Labels:
    def __init__(self, lang: str):
        if lang not in CATALOGUE:
            raise ValueError(f"unknown report language {lang!r}; known: {', '.join(LANGUAGES)}")
        self.lang = lang
        self._t = CATALOGUE[lang]

    @property
    def rtl(self) -> bool:
        return self.lang in RTL_LANGUAGES

    @property
    def dir(self) -> str:
        return "rtl" if self.rtl else "ltr"

    def __call__(self, key: str, **kw) -> str:
        text = self._t.get(key) or CATALOGUE["en"][key]
        return text.format(**kw) if kw else text

    def group(self, g: str) -> str:
        return self(f"group_{g}")

    def field(self, f: str) -> str:
        return self(f"field_{f}")

    def status(self, s: str) -> str:
        return self._t.get(f"status_{s}", s)

    def phase(self, p: str) -> str:
        return self._t.get(f"phase_{p}", p)

    def role(self, r: str) -> str:
        return self._t.get(f"role_{r}", r)

    def number(self, n: int) -> str:
        """A number in this language's digits."""
        return str(n).translate(DIGITS[self.lang]) if self.lang in DIGITS else str(n)

    def room_name(self, name: str | None, number: int) -> str:
        """A room as people call it: its own name, or "Room <n>" in this language for the default name
        the server gives (web/js/console-common.js roomName does the same)."""
        if not name or name == f"Room {number}":
            return f'{self("room")} {self.number(number)}'
        return name

    def person(self, row) -> str:
        """A council member as exports show them: the name they chose to show, else their role and group."""
        if row is None:
            return ""
        if row.name:
            return row.name
        return f"{self.role(row.role)} · {self.group(row.group)}" if row.group else self.role(row.role)

    def note(self, note: dict) -> str:
        """A dated note: "2026-12-03 — text (who)"."""
        who = self.person(_Who(**note["author"])) if note["author"].get("role") else ""
        day = (note["created_at"] or "")[:10]
        return f'{day} — {note["text"]}' + (f" ({who})" if who else "")


class _Who:
    def __init__(self, role=None, name=None, group=None):
        self.role, self.name, self.group = role, name, group


def text_dir(text: str | None) -> str | None:
    """The direction of a piece of user text, by its first strong character (as dir=auto does)."""
    for ch in text or "":
        if _RTL.match(ch):
            return "rtl"
        if _LTR.match(ch):
            return "ltr"
    return None


def is_rtl(text: str | None) -> bool:
    return text_dir(text) == "rtl"
