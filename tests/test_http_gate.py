"""The one HTTP gate (server/http.py, `principal_required`): every token-protected route answers the same
status table (docs/protocol.md §1, "HTTP"):

* 400 `bad_request`  a `token` in the query string (tokens travel in `Authorization: Bearer` only);
* 401 `unauthorized` no token, another scheme, or a token unknown to the route's resolver: the socket's
                     links (server/domain/auth.py) and the progress link are separate kinds, so a progress
                     token on a socket-token route, or a socket token on /api/progress, is unknown there;
* 404 `not_found`    a workshop that does not exist (routes with a workshop in the path);
* 403 `forbidden`    a token of a role the route does not serve, or of another workshop;
* 200               the right token.
"""
from __future__ import annotations

import pytest

from .conftest import Day

# Route and the roles it serves (the token kinds that get a 200).
ROUTES = {
    "export": ("/api/workshops/{ws}/export.md", ("organiser",)),
    "agreement": ("/api/workshops/{ws}/agreement", ("organiser", "display")),
    "links": ("/api/workshops/{ws}/links", ("organiser",)),
    "progress": ("/api/progress", ("progress",)),
}
KINDS = ("organiser", "display", "facilitator", "participant", "progress")


def _resolver_knows(route: str, kind: str) -> bool:
    return (kind == "progress") == (route == "progress")
UNKNOWN_WORKSHOP = "0000000000000000"


@pytest.fixture
def two(app):
    """This workshop (with a participant) and another one, each with every kind of token."""
    day, other = Day(app), Day(app)
    day.create(rooms=1)
    participant = day.join(connect=False)
    other.create(rooms=1, title="Another workshop")

    def tokens(created: dict) -> dict[str, str]:
        return {"organiser": created["organiser_token"], "display": created["display_token"],
                "facilitator": created["facilitators"][0]["token"], "progress": created["progress_token"]}

    mine = {**tokens(day.created), "participant": participant["token"]}
    yield app.test_client(), day.workshop_id, mine, tokens(other.created)
    day.close()
    other.close()


def _check(resp, status: int, code: str | None = None) -> None:
    assert resp.status_code == status, (status, resp.status_code, resp.get_data(as_text=True)[:300])
    if code is not None:
        body = resp.get_json()
        assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"], body
    resp.close()


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("route", ROUTES)
def test_every_token_protected_route_answers_the_one_status_table(two, route):
    http, ws, mine, other = two
    template, roles = ROUTES[route]
    url = template.format(ws=ws)
    right = mine[roles[0]]

    _check(http.get(url), 401, "unauthorized")
    _check(http.get(url, headers={"Authorization": f"Basic {right}"}), 401, "unauthorized")
    _check(http.get(url, headers=_bearer("not-a-real-token")), 401, "unauthorized")
    sep = "&" if "?" in url else "?"
    _check(http.get(f"{url}{sep}token={right}"), 400, "bad_request")
    _check(http.get(f"{url}{sep}token={right}", headers=_bearer(right)), 400, "bad_request")
    for kind in KINDS:
        if kind in roles:
            _check(http.get(url, headers=_bearer(mine[kind])), 200)
        elif _resolver_knows(route, kind):
            _check(http.get(url, headers=_bearer(mine[kind])), 403, "forbidden")
        else:
            _check(http.get(url, headers=_bearer(mine[kind])), 401, "unauthorized")
    # Another workshop's organiser (or projector) never reads this workshop; the progress link names
    # its workshop itself, so another workshop's progress token reads that workshop's plan.
    for kind in ("organiser", "display"):
        want = (403, "forbidden") if _resolver_knows(route, kind) else (401, "unauthorized")
        _check(http.get(url, headers=_bearer(other[kind])), *want)
    if "{ws}" in template:
        _check(http.get(template.format(ws=UNKNOWN_WORKSHOP), headers=_bearer(right)), 404, "not_found")
