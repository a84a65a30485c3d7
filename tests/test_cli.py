"""The `common-ground` command: create a workshop and get working links; upgrade the database."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server import cli, config, migrate
from server.extensions import socketio
from server.models import Workshop

from .conftest import make_app

VENV_BIN = Path(sys.executable).parent


@pytest.fixture
def sqlite_env(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ASYNC_MODE", "threading")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    return url


def run(capsys, *argv) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def test_workshop_create_prints_links_whose_tokens_connect(sqlite_env, capsys):
    code, out = run(capsys, "workshop", "create", "--title", "T", "--rooms", "3", "--vote-budget", "4",
                    "--languages", "en,fa", "--base-url", "https://cg.example.org/", "--json")
    assert code == 0
    made = json.loads(out)
    for key in ("workshop_id", "join_code", "participant_url", "display_url", "organiser_url", "facilitator_urls"):
        assert key in made, key
    assert len(made["facilitator_urls"]) == 3 and len(set(made["facilitator_urls"])) == 3
    assert made["participant_url"] == f"https://cg.example.org/j/{made['join_code']}"
    assert made["languages"] == ["en", "fa"] and made["vote_budget"] == 4
    assert made["display_url"].startswith("https://cg.example.org/d#")
    assert made["organiser_url"].startswith("https://cg.example.org/o#")
    assert all(u.startswith("https://cg.example.org/f#") for u in made["facilitator_urls"])

    app = make_app(sqlite_env)
    try:
        def connect(url):
            client = socketio.test_client(app, auth={"token": url.split("#", 1)[1]})
            assert client.is_connected(), url
            ack = client.emit("sync", {"since": None}, callback=True)
            client.disconnect()
            return ack["state"]

        org = connect(made["organiser_url"])
        assert org["me"]["role"] == "organiser"
        assert org["workshop"]["id"] == made["workshop_id"] and org["workshop"]["title"] == "T"
        assert org["workshop"]["vote_budget"] == 4 and org["workshop"]["languages"] == ["en", "fa"]
        assert len(org["rooms"]) == 3
        assert connect(made["display_url"])["me"]["role"] == "display"
        rooms = [connect(u)["me"] for u in made["facilitator_urls"]]
        assert {m["role"] for m in rooms} == {"facilitator"}
        assert sorted(m["room_id"] for m in rooms) == sorted(int(r) for r in org["rooms"])
        assert app.test_client().get(f"/api/workshops/{made['join_code']}").get_json()["title"] == "T"
    finally:
        app.extensions["common_ground_db"].dispose()


def test_workshop_create_human_output_names_every_link(sqlite_env, capsys, monkeypatch):
    # Without --base-url or PUBLIC_URL: this machine's network address (tests/test_lan_address.py) and the port.
    monkeypatch.setattr(config, "lan_address", lambda: ("192.168.1.23", None))
    monkeypatch.delenv("PORT", raising=False)
    code, out = run(capsys, "workshop", "create", "--title", "Evening session", "--rooms", "2")
    assert code == 0
    assert "Join code" in out and "http://192.168.1.23:5000/j/" in out
    assert out.count("/f#") == 2 and "/o#" in out and "/d#" in out


@pytest.mark.parametrize("args, field", [
    (["--rooms", "0"], "rooms"),
    (["--rooms", "2", "--languages", "en,xx"], "languages"),
    (["--rooms", "2", "--vote-budget", "0"], "vote_budget"),
    (["--rooms", "2", "--title", "   "], "title"),
])
def test_workshop_create_refusals_exit_2_with_an_error(sqlite_env, capsys, args, field):
    argv = ["workshop", "create", "--title", "T", *args, "--json"]
    code, out = run(capsys, *argv)
    assert code == 2
    body = json.loads(out)
    assert body["ok"] is False and body["error"]["code"] == "invalid" and field in body["error"]["message"]
    # Without --json the error goes to stderr.
    assert cli.main(argv[:-1]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "invalid" in captured.err


def test_workshop_create_names_its_sectors(sqlite_env, capsys):
    code, out = run(capsys, "workshop", "create", "--title", "SPCP", "--rooms", "2", "--languages", "en,es",
                    "--sectors", "Faith:community, Police:law_enforcement,Ayuntamiento:OTHER", "--json")
    assert code == 0
    made = json.loads(out)
    assert made["sectors"] == [
        {"key": "faith", "names": {"en": "Faith", "es": "Faith"}, "side": "community"},
        {"key": "police", "names": {"en": "Police", "es": "Police"}, "side": "law_enforcement"},
        {"key": "ayuntamiento", "names": {"en": "Ayuntamiento", "es": "Ayuntamiento"}, "side": "other"}]
    app = make_app(sqlite_env)
    try:
        info = app.test_client().get(f"/api/workshops/{made['join_code']}").get_json()
        assert info["sectors"] == made["sectors"] and info["groups"] == ["faith", "police", "ayuntamiento"]
    finally:
        app.extensions["common_ground_db"].dispose()
    code, out = run(capsys, "workshop", "create", "--title", "SPCP", "--rooms", "1", "--sector-preset", "spcp",
                    "--json")
    assert code == 0 and [s["names"]["es"] for s in json.loads(out)["sectors"]][:2] == ["Comunidades de fe",
                                                                                       "Jóvenes"]
    code, out = run(capsys, "workshop", "create", "--title", "Default", "--rooms", "1")
    assert code == 0 and "Sectors:          Law enforcement (law_enforcement), Community member (community)" in out


@pytest.mark.parametrize("spec, code", [
    ("Faith:community", "invalid"),
    ("Faith,Police:law_enforcement", "invalid"),
    ("Faith:community,Police:police", "invalid"),
    ("Faith:community,Youth:community", "invalid"),
    ("Faith:community,faith:law_enforcement", "invalid"),
])
def test_workshop_create_refuses_bad_sectors(sqlite_env, capsys, spec, code):
    status, out = run(capsys, "workshop", "create", "--title", "T", "--rooms", "1", "--sectors", spec, "--json")
    assert status == 2 and json.loads(out)["error"]["code"] == code
    app = make_app(sqlite_env)
    try:
        with app.extensions["common_ground_db"].reading() as s:
            assert s.scalar(select(func.count()).select_from(Workshop)) == 0
    finally:
        app.extensions["common_ground_db"].dispose()


def test_workshop_create_takes_sectors_or_a_preset(sqlite_env, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["workshop", "create", "--title", "T", "--rooms", "1", "--sector-preset", "spcp",
                  "--sectors", "A:community,B:law_enforcement"])
    assert done.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_db_upgrade_prints_the_revision(sqlite_env, capsys):
    code, out = run(capsys, "db", "upgrade")
    assert code == 0
    assert out.strip() == f"schema revision: {migrate.head()}"
    code, out = run(capsys, "db", "current")
    assert code == 0 and out.strip() == f"schema revision: {migrate.head()}"


def test_the_console_script_is_installed():
    script = VENV_BIN / "common-ground"
    assert script.exists(), f"{script} is missing: pip install -e ."
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for word in ("serve", "workshop", "db"):
        assert word in done.stdout


def test_workshop_create_takes_an_agenda(sqlite_env, capsys):
    code, out = run(capsys, "workshop", "create", "--title", "SPCP", "--rooms", "3", "--sector-preset", "spcp",
                    "--agenda", "spcp", "--json")
    assert code == 0
    made = json.loads(out)
    assert made["agenda"] == ["caucus", "prioritise", "solution_round", "report_out", "action_plan", "council",
                              "closing"]
    app = make_app(sqlite_env)
    try:
        with app.extensions["common_ground_db"].reading() as s:
            ws = s.get(Workshop, made["workshop_id"])
            assert (ws.agenda, ws.segment, ws.phase) == (made["agenda"], 0, "breakouts")
    finally:
        app.extensions["common_ground_db"].dispose()
    code, out = run(capsys, "workshop", "create", "--title", "Default", "--rooms", "1")
    assert code == 0 and "Agenda:           breakout -> prioritise -> action_plan -> closing" in out
    with pytest.raises(SystemExit) as done:
        cli.main(["workshop", "create", "--title", "T", "--rooms", "1", "--agenda", "long"])
    assert done.value.code == 2 and "invalid choice" in capsys.readouterr().err
