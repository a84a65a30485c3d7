"""The workspace's pages: sign in, the dashboard, a workshop's page, its printed pack (docs/workspace.md).

Every POST carries the form's CSRF token (Flask-WTF's `generate_csrf` / `validate_csrf`): without it, or
with a stale one, the answer is 400 and nothing changes; a POST whose Origin is another site is 403.
A workshop is shown only to its organisers (its owner and co-organisers): to anyone else it does not
exist (404).
"""
from __future__ import annotations

import re
import time
import uuid
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy import func, select
from wtforms import ValidationError

from .. import ratelimit
from ..domain import agenda as ag
from ..domain import dispatch, rules
from ..domain.auth import Principal
from ..domain.errors import CommandError
from ..domain.sectors import PRESETS, sector_views
from ..domain.workshops import create_workshop
from ..models import Account, Participant, Room, Vote, Workshop, WorkshopOrganiser, WorkspaceAudit
from ..reports import worker
from . import accounts, i18n, pack
from . import links as kept

bp = Blueprint("workspace", __name__, template_folder="templates")


def _db():
    return current_app.extensions["common_ground_db"]


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _base() -> str:
    from ..http import public_base
    return public_base()


# -- every request: the language, the CSRF check ---------------------------------------------------------

@bp.before_request
def _before():
    g.t = i18n.T(i18n.pick())
    if request.method == "POST":
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            abort(403)
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as err:
            raise CSRFError(str(err)) from None


@bp.after_request
def _after(resp):
    if request.args.get("lang") in i18n.catalogues():
        resp.set_cookie(i18n.COOKIE, request.args["lang"], max_age=365 * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.app_errorhandler(CSRFError)
def _csrf_refused(err):
    return _page("workspace/message.html", 400, title=g.t("workspace.csrf.title"), body=g.t("workspace.csrf.body"))


@bp.app_context_processor
def _inject():
    t = getattr(g, "t", None)
    if t is None:
        return {}
    return {"t": t, "csrf_token": generate_csrf, "page_languages": i18n.languages(), "lang_names": _lang_names()}


def _lang_names() -> dict[str, str]:
    return {lang: i18n.catalogues()[lang].get("workspace.lang_name", lang) for lang in i18n.languages()}


def _page(template: str, status: int = 200, **kw):
    return make_response(render_template(template, **kw), status)


def audit(s, action: str, workshop_id: str | None = None, **detail) -> None:
    s.add(WorkspaceAudit(workshop_id=workshop_id, account_id=current_user.id, email=current_user.email,
                         action=action, detail=detail))


# -- signing in --------------------------------------------------------------------------------------------

@bp.get("/login")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("workspace.dashboard"))
    return _page("workspace/login.html", email="", next=_next(request.args.get("next")))


def _next(target: str | None) -> str | None:
    """Where to go after signing in: a workspace page of this site only (never another site's address)."""
    if target and re.fullmatch(r"/workshops(/[A-Za-z0-9_-]+)?", target):
        return target
    return None


@bp.post("/login")
def login_post():
    email, password = request.form.get("email", "")[:254], request.form.get("password", "")[:accounts.MAX_PASSWORD]
    limits = ratelimit.limiter(current_app)
    address = ratelimit.client_address(current_app, request)
    who = email.strip().lower()
    try:
        limits.check("login_failures", address)
        limits.check("login_failures_account", who)
    except CommandError as err:
        resp = _page("workspace/login.html", 429, email=email, next=_next(request.form.get("next")),
                     error=g.t("workspace.login.too_many", s=err.details["retry_after"]))
        resp.headers["Retry-After"] = str(err.details["retry_after"])
        return resp
    acct = accounts.authenticate(_db(), email, password)
    if acct is None:
        limits.note("login_failures", address)
        limits.note("login_failures_account", who)
        return _page("workspace/login.html", 401, email=email, error=g.t("workspace.login.wrong"),
                     next=_next(request.form.get("next")))
    session.clear()  # a new session (and a new CSRF token) at every sign-in
    session.permanent = True
    session["signed_at"] = int(time.time())
    login_user(Login(acct))
    with _db().transaction() as s:
        s.add(WorkspaceAudit(account_id=acct.id, email=acct.email, action="sign_in", detail={}))
    return redirect(_next(request.form.get("next")) or url_for("workspace.dashboard"))


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("workspace.login"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    acct = accounts.account_for_reset(_db(), token)
    if acct is None:
        return _page("workspace/message.html", 404, title=g.t("workspace.reset.title"),
                     body=g.t("workspace.reset.invalid"))
    if request.method == "GET":
        return _page("workspace/reset.html", email=acct.email)
    password = request.form.get("password", "")
    if password != request.form.get("password2", ""):
        return _page("workspace/reset.html", 400, email=acct.email, error=g.t("workspace.reset.mismatch"))
    try:
        accounts.use_reset(_db(), token, password)
    except CommandError as err:
        key = "workspace.reset.short" if err.code == "invalid" else "workspace.reset.invalid"
        return _page("workspace/reset.html", 400, email=acct.email, error=g.t(key, n=accounts.MIN_PASSWORD))
    logout_user()
    session.clear()
    return redirect(url_for("workspace.login"))


class Login:
    """Flask-Login's user: the account, and the session version its session was signed in with."""

    def __init__(self, acct: Account):
        self.id, self.email, self.is_admin, self.version = acct.id, acct.email, acct.is_admin, acct.session_version

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.version}"


def load_user(user_id: str):
    """The signed-in account, while its session is younger than WORKSPACE_SESSION_HOURS and its password
    has not been reset since."""
    try:
        acct_id, version = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    hours = current_app.config.get("WORKSPACE_SESSION_HOURS", 12)
    signed = session.get("signed_at")
    if not isinstance(signed, int) or now() - signed > hours * 3600:
        return None
    with _db().reading() as s:
        acct = s.get(Account, acct_id)
        if acct is None or acct.session_version != version:
            return None
        return Login(acct)


def now() -> int:
    return int(time.time())


# -- the dashboard ---------------------------------------------------------------------------------------

def _mine(s):
    return select(WorkshopOrganiser.workshop_id).where(WorkshopOrganiser.account_id == current_user.id)


def _status(ws: Workshop, people: int) -> str:
    if ws.phase == "closed":
        return "after"
    return "live" if people or ws.segment else "upcoming"


@bp.get("/workshops")
@login_required
def dashboard():
    with _db().reading() as s:
        rows = []
        for ws, role in s.execute(select(Workshop, WorkshopOrganiser.role).join(
                WorkshopOrganiser, WorkshopOrganiser.workshop_id == Workshop.id).where(
                WorkshopOrganiser.account_id == current_user.id).order_by(Workshop.created_at.desc())):
            people = s.scalar(select(func.count()).select_from(Participant).where(
                Participant.workshop_id == ws.id, Participant.removed_at.is_(None))) or 0
            rooms = s.scalar(select(func.count()).select_from(Room).where(Room.workshop_id == ws.id)) or 0
            rows.append({"id": ws.id, "title": ws.title, "date": ws.date, "place": ws.place, "role": role,
                         "segment": ag.kind(ws), "status": _status(ws, people), "people": people, "rooms": rooms,
                         "join_code": ws.join_code})
    groups = {k: [r for r in rows if r["status"] == k] for k in ("live", "upcoming", "after")}
    return _page("workspace/dashboard.html", groups=groups, count=len(rows))


# -- a new workshop ------------------------------------------------------------------------------------------

def _form_defaults() -> dict:
    return {"title": "", "date": "", "place": "", "languages": ",".join(rules.DEFAULT_LANGUAGES), "rooms": "4",
            "vote_budget": "3", "agenda": "short", "sector_preset": "groups", "live_tallies": False}


@bp.get("/workshops/new")
@login_required
def new_workshop():
    return _page("workspace/new.html", form=_form_defaults(), presets=tuple(PRESETS),
                 agendas=tuple(rules.AGENDA_PRESETS), known_languages=rules.KNOWN_LANGUAGES)


@bp.post("/workshops/new")
@login_required
def create():
    f = request.form
    form = {**_form_defaults(), **{k: f.get(k, "") for k in ("title", "date", "place", "languages", "rooms",
                                                             "vote_budget", "agenda", "sector_preset")},
            "live_tallies": f.get("live_tallies") == "on"}
    try:
        try:
            rooms, budget = int(form["rooms"]), int(form["vote_budget"])
        except ValueError:
            raise CommandError("invalid", g.t("workspace.new.numbers")) from None
        if form["agenda"] not in rules.AGENDA_PRESETS or form["sector_preset"] not in PRESETS:
            raise CommandError("invalid", "agenda, sector_preset: choose one of the list")
        created = create_workshop(_db(), title=form["title"], rooms=rooms, vote_budget=budget,
                                  languages=[x for x in form["languages"].replace(" ", ",").split(",") if x],
                                  date=form["date"].strip()[:40] or None, place=form["place"].strip()[:200] or None,
                                  live_tallies=form["live_tallies"], sector_preset=form["sector_preset"],
                                  agenda=form["agenda"])
    except CommandError as err:
        return _page("workspace/new.html", 400, form=form, presets=tuple(PRESETS),
                     agendas=tuple(rules.AGENDA_PRESETS), known_languages=rules.KNOWN_LANGUAGES, error=err.message)
    kept.keep_created(_db(), _secret(), created)
    with _db().transaction() as s:
        s.add(WorkshopOrganiser(workshop_id=created["workshop_id"], account_id=current_user.id, role="owner"))
        audit(s, "workshop_create", created["workshop_id"], title=created["title"])
    return redirect(url_for("workspace.workshop", workshop_id=created["workshop_id"], created=1))


# -- a workshop's page ------------------------------------------------------------------------------------

def _organised(s, workshop_id: str) -> tuple[Workshop, str]:
    """The workshop and this account's role in it; 404 for anyone who does not organise it."""
    found = s.execute(select(Workshop, WorkshopOrganiser.role).join(
        WorkshopOrganiser, WorkshopOrganiser.workshop_id == Workshop.id).where(
        Workshop.id == workshop_id, WorkshopOrganiser.account_id == current_user.id)).first()
    if found is None:
        abort(404)
    return found[0], found[1]


@bp.get("/workshops/<workshop_id>")
@login_required
def workshop(workshop_id: str):
    return _workshop_page(workshop_id)


def _workshop_page(workshop_id: str, status: int = 200, **extra):
    with _db().reading() as s:
        ws, role = _organised(s, workshop_id)
        base = _base()
        links = kept.workshop_links(s, _secret(), base, ws)
        organisers = [{"id": a.id, "email": a.email, "role": o.role} for o, a in s.execute(
            select(WorkshopOrganiser, Account).join(Account, Account.id == WorkshopOrganiser.account_id).where(
                WorkshopOrganiser.workshop_id == ws.id).order_by(WorkshopOrganiser.id))]
        trail = list(s.scalars(select(WorkspaceAudit).where(WorkspaceAudit.workshop_id == ws.id)
                               .order_by(WorkspaceAudit.id.desc()).limit(100)))
        info = {"id": ws.id, "title": ws.title, "date": ws.date, "place": ws.place, "join_code": ws.join_code,
                "closed": ws.phase == "closed", "live_tallies": ws.live_tallies,
                "languages": list(ws.languages), "segment": ag.kind(ws), "agenda": list(ws.agenda),
                "join_url": f"{base}/j/{ws.join_code}", "progress_url": f"{base}/progress/{ws.progress_token}"}
    return _page("workspace/workshop.html", status, ws=info, role=role, links=links, organisers=organisers,
                 trail=trail, created=request.args.get("created") == "1", notice=request.args.get("notice"), **extra)


@bp.post("/workshops/<workshop_id>/reissue")
@login_required
def reissue(workshop_id: str):
    kind = request.form.get("kind")
    room_id = request.form.get("room_id", type=int)
    if kind not in kept.KINDS or (kind == "facilitator" and room_id is None):
        abort(400)
    with _db().reading() as s:
        _organised(s, workshop_id)
    try:
        kept.reissue(_db(), _secret(), workshop_id, kind, room_id)
    except CommandError as err:
        return _page("workspace/message.html", 409 if err.code == "closed" else 400,
                     title=g.t("workspace.links.title"), body=err.message,
                     back=url_for("workspace.workshop", workshop_id=workshop_id))
    with _db().transaction() as s:
        audit(s, "link_reissue", workshop_id, link=kind, **({"room_id": room_id} if kind == "facilitator" else {}))
    return redirect(url_for("workspace.workshop", workshop_id=workshop_id, notice=f"reissued_{kind}") + "#links")


# -- editing a workshop: its own page, one form per domain command ----------------------------------------

# Refusals the Edit page words itself (workspace.edit_error.<code>); any other shows the domain's message.
EDIT_ERRORS = ("wrong_phase", "language_in_use", "votes_cast", "room_in_use", "agenda_locked", "sector_in_use",
               "no_change", "closed")


def _edit_view(s, ws: Workshop) -> dict:
    rooms = list(s.scalars(select(Room).where(Room.workshop_id == ws.id).order_by(Room.number)))
    return {"id": ws.id, "title": ws.title, "date": ws.date, "place": ws.place, "live_tallies": ws.live_tallies,
            "languages": list(ws.languages), "vote_budget": ws.vote_budget, "rooms": len(rooms),
            "agenda": list(ws.agenda), "segment": ag.kind(ws), "closed": ws.phase == "closed",
            "before_day": ws.segment == 0 and ws.phase != "closed" and all(r.phase == "lobby" for r in rooms),
            "votes_cast": s.scalar(select(Vote.id).where(Vote.workshop_id == ws.id).limit(1)) is not None,
            "sectors": sector_views(s, ws.id)}


def _edit_page(workshop_id: str, status: int = 200, error: tuple[str, str] | None = None, form: dict | None = None):
    """The Edit page; `error` = (which form, readable message) shown at that form, changing nothing."""
    with _db().reading() as s:
        ws, _role = _organised(s, workshop_id)
        view = _edit_view(s, ws)
    return _page("workspace/edit.html", status, ws=view, error=error, form=form or {}, sides=rules.SECTOR_SIDES,
                 presets=tuple(PRESETS), notice=request.args.get("notice"),
                 agendas={k: list(v) for k, v in rules.AGENDA_PRESETS.items()}, known_languages=rules.KNOWN_LANGUAGES)


def _refusal(err: CommandError) -> str:
    if err.code in EDIT_ERRORS:
        langs = ", ".join(g.t(f"console.language.{x}") if g.t.has(f"console.language.{x}") else x
                          for x in err.details.get("languages") or [])
        return g.t(f"workspace.edit_error.{err.code}", languages=langs)
    return err.message


def _run_edit(workshop_id: str, which: str, command: str, payload: dict, form: dict | None = None, **audit_detail):
    """Run one of the console's commands for the workshop; audited; a refusal is shown at its form."""
    with _db().reading() as s:
        ws, _role = _organised(s, workshop_id)
        closed = ws.phase == "closed"
    if closed:
        return _edit_page(workshop_id, 409, (which, _refusal(CommandError("closed", ""))), form)
    try:
        outcome = dispatch(_db(), Principal("organiser", workshop_id), command,
                           {"cid": f"workspace-{uuid.uuid4().hex}", **payload})
    except CommandError as err:
        return _edit_page(workshop_id, 409 if err.code in EDIT_ERRORS and err.code != "no_change" else 400,
                          (which, _refusal(err)), form)
    if command == "rooms_set":
        with _db().transaction() as s:
            for f in outcome.result.get("facilitators", []):
                kept.keep(s, _secret(), workshop_id, "facilitator", f["token"], f["room_id"])
    with _db().transaction() as s:
        audit(s, "workshop_edit", workshop_id, what=which, **audit_detail)
    return redirect(url_for("workspace.edit_page", workshop_id=workshop_id, notice="edited") + f"#edit-{which}")


@bp.get("/workshops/<workshop_id>/edit")
@login_required
def edit_page(workshop_id: str):
    return _edit_page(workshop_id)


@bp.post("/workshops/<workshop_id>/edit")
@login_required
def edit(workshop_id: str):
    """Title, date, place, live tallies, languages and dots per person, through the console's own command
    (`workshop_update`): every open screen hears the change."""
    f = request.form
    payload = {"title": f.get("title", ""), "date": f.get("date", ""), "place": f.get("place", ""),
               "live_tallies": f.get("live_tallies") == "on"}
    form = dict(payload)
    if "languages" in f:  # absent once the day has begun (the field is disabled)
        form["languages"] = f.get("languages", "")
        payload["languages"] = [x for x in f.get("languages", "").replace(" ", ",").split(",") if x][:20]
    if "vote_budget" in f:
        form["vote_budget"] = f.get("vote_budget", "")
        try:
            payload["vote_budget"] = int(f.get("vote_budget", ""))
        except ValueError:
            return _edit_page(workshop_id, 400, ("details", g.t("workspace.edit_error.number")), form)
    return _run_edit(workshop_id, "details", "workshop_update", payload, form)


@bp.post("/workshops/<workshop_id>/edit/rooms")
@login_required
def edit_rooms(workshop_id: str):
    try:
        count = int(request.form.get("rooms", ""))
    except ValueError:
        return _edit_page(workshop_id, 400, ("rooms", g.t("workspace.edit_error.number")))
    return _run_edit(workshop_id, "rooms", "rooms_set", {"count": count}, rooms=count)


@bp.post("/workshops/<workshop_id>/edit/agenda")
@login_required
def edit_agenda(workshop_id: str):
    preset = request.form.get("agenda", "")
    return _run_edit(workshop_id, "agenda", "agenda_set", {"preset": preset}, agenda=preset)


@bp.post("/workshops/<workshop_id>/edit/sectors")
@login_required
def edit_sectors(workshop_id: str):
    """A preset's sectors, or the list as edited: each row's names in the workshop's languages and its side;
    a row marked to remove is left out; the empty row at the end adds a sector when it has a name."""
    f = request.form
    if f.get("mode") == "preset":
        preset = f.get("sector_preset", "")
        return _run_edit(workshop_id, "sectors", "sectors_set", {"preset": preset}, preset=preset)
    with _db().reading() as s:
        ws, _role = _organised(s, workshop_id)
        langs = list(ws.languages)
    sectors = []
    for i in range(min(f.get("sector_count", 0, type=int), rules.MAX_SECTORS + 1)):
        names = {lang: f.get(f"sector-{i}-name-{lang}", "").strip()[:200] for lang in langs}
        key = f.get(f"sector-{i}-key", "") or None
        if f.get(f"sector-{i}-remove") == "on" or (key is None and not any(names.values())):
            continue
        if key is None:
            # A new sector named in one language only: that name in every language (renamed later).
            given = next(v for v in names.values() if v)
            names = {lang: v or given for lang, v in names.items()}
        sectors.append({**({"key": key} if key else {}), "names": names, "side": f.get(f"sector-{i}-side", "")})
    return _run_edit(workshop_id, "sectors", "sectors_set", {"sectors": sectors})


@bp.post("/workshops/<workshop_id>/organisers")
@login_required
def add_organiser(workshop_id: str):
    """A co-organiser by email. Someone without an account gets one, without a password: the page shows the
    one-time set-password link (48 hours, as `common-ground user add` without a password) to hand over."""
    email = request.form.get("email", "").strip().lower()
    with _db().reading() as s:
        _organised(s, workshop_id)
        known = accounts.by_email(s, email) is not None
    invited = None
    if not known:
        try:
            made = accounts.create(_db(), email, None)
        except CommandError as err:
            return _workshop_page(workshop_id, 400, team_error=err.message)
        invited = {"email": made["email"],
                   "url": f"{_base()}{url_for('workspace.reset', token=made['reset_token'])}"}
    with _db().transaction() as s:
        _organised(s, workshop_id)
        acct = accounts.by_email(s, email)
        if s.scalar(select(WorkshopOrganiser.id).where(WorkshopOrganiser.workshop_id == workshop_id,
                                                      WorkshopOrganiser.account_id == acct.id)) is None:
            s.add(WorkshopOrganiser(workshop_id=workshop_id, account_id=acct.id, role="co_organiser"))
            audit(s, "organiser_add", workshop_id, email=acct.email, **({"invited": True} if invited else {}))
    if invited:
        # Shown on this answer only (the link is not stored): a reload does not show it again.
        return _workshop_page(workshop_id, invited=invited)
    return redirect(url_for("workspace.workshop", workshop_id=workshop_id, notice="added") + "#team")


@bp.post("/workshops/<workshop_id>/organisers/<int:account_id>/remove")
@login_required
def remove_organiser(workshop_id: str, account_id: int):
    with _db().transaction() as s:
        _organised(s, workshop_id)
        row = s.scalar(select(WorkshopOrganiser).where(WorkshopOrganiser.workshop_id == workshop_id,
                                                       WorkshopOrganiser.account_id == account_id))
        if row is None:
            abort(404)
        if row.role == "owner":
            abort(403)  # the owner stays; co-organisers come and go
        email = s.get(Account, account_id).email
        s.delete(row)
        audit(s, "organiser_remove", workshop_id, email=email)
    if account_id == current_user.id:
        return redirect(url_for("workspace.dashboard"))
    return redirect(url_for("workspace.workshop", workshop_id=workshop_id, notice="removed") + "#team")


@bp.get("/workshops/<workshop_id>/pack-<lang>.pdf")
@login_required
def pack_pdf(workshop_id: str, lang: str):
    """The printed pack in one of the workshop's languages (its language is in the path: a ?lang= would also
    switch the pages' language)."""
    with _db().reading() as s:
        ws, _role = _organised(s, workshop_id)
        if lang not in ws.languages:
            abort(404)
        page = pack.html(s, ws, _base(), kept.workshop_links(s, _secret(), _base(), ws), lang)
        code = ws.join_code
    try:
        # Printed in a worker process, off the event loop, like the reports' PDFs (server/reports/worker.py).
        data = worker.pool(current_app).render("html_pdf", page, "pack", lang)
    except CommandError as err:  # `busy`: as many exports as the pool takes are being prepared
        resp = _page("workspace/message.html", 503, title=g.t("workspace.pack.title"), body=err.message,
                     back=url_for("workspace.workshop", workshop_id=workshop_id))
        resp.headers["Retry-After"] = str(err.details.get("retry_after", 10))
        return resp
    with _db().transaction() as s:
        audit(s, "pack_export", workshop_id, lang=lang)
    resp = make_response(data)
    resp.headers["Content-Type"] = "application/pdf"
    resp.headers["Content-Disposition"] = f'attachment; filename="pack-{code}-{lang}.pdf"'
    return resp


# -- admins: accounts --------------------------------------------------------------------------------------

@bp.route("/accounts", methods=["GET", "POST"])
@login_required
def account_list():
    if not current_user.is_admin:
        abort(403)
    made = error = None
    if request.method == "POST":
        try:
            out = accounts.create(_db(), request.form.get("email", ""), None, admin=request.form.get("admin") == "on")
            made = {"email": out["email"], "url": f"{_base()}{url_for('workspace.reset', token=out['reset_token'])}"}
            with _db().transaction() as s:
                audit(s, "account_invite", email=out["email"], admin=out["admin"])
        except CommandError as err:
            error = err.message
    with _db().reading() as s:
        listed = [{"email": a.email, "admin": a.is_admin, "active": bool(a.password_hash)}
                  for a in s.scalars(select(Account).order_by(Account.email))]
    return _page("workspace/accounts.html", 400 if error else 200, accounts=listed, made=made, error=error)
