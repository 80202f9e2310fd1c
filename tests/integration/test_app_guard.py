"""The dashboard answers only its own page: Host and Origin are checked on every request, `--host` is validated,
scenario files load only from the places the docs name, and a broken websocket connection is one log line.

The server tests start `diplosim app` as a user would (in a scratch folder, waiting for its readiness line) and
talk to it as a hostile page or a rebinding attacker would: a raw websocket handshake with a foreign `Origin`, an
HTTP request with another site's name in `Host`. Solara's own counters (/resourcez, asked from the right origin)
show that a refused request never reached the app, and the folder shows that nothing was written.
"""

from __future__ import annotations

import base64
import http.client
import importlib.util
import json
import os

import pytest

from sim.app.guard import Listening, listening, refusal
from sim.cli import main as cli
from sim.util.errors import ConfigError

needs_app = pytest.mark.skipif(importlib.util.find_spec("solara") is None, reason="needs the app extra")
LOCAL = Listening("127.0.0.1", 8765, wildcard=False, loopback=True, names=frozenset({"127.0.0.1", "localhost", "::1"}))


def scope(kind: str = "http", host: str | None = "127.0.0.1:8765", origin: str | None = None, server=None) -> dict:
    headers = [(b"host", host.encode())] if host is not None else []
    headers += [(b"origin", origin.encode())] if origin is not None else []
    return {"type": kind, "headers": headers, "server": server or ("127.0.0.1", 8765), "path": "/"}


# -- the rules, on requests built by hand -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_scope", "allowed"),
    [
        (scope(), True),
        (scope(host="localhost:8765"), True),
        (scope(host="[::1]:8765", server=("::1", 8765)), True),
        (scope(origin="http://127.0.0.1:8765"), True),
        (scope("websocket", origin="http://localhost:8765", host="localhost:8765"), True),
        (scope(host="attacker.example:8765"), False),  # DNS rebinding: another site's name
        (scope(host="attacker.example"), False),
        (scope(host="127.0.0.1:9999"), False),  # another port
        (scope(host=None), False),
        (scope(host="bad host:x"), False),
        (scope(origin="http://evil.example"), False),
        (scope(origin="null"), False),  # a sandboxed frame or a file:// page
        (scope(origin="https://127.0.0.1:8765"), False),
        (scope(origin="http://localhost:8765"), False),  # same machine, but not the page's own origin
        (scope("websocket"), False),  # a websocket must say where it comes from; browsers always do
        (scope("websocket", origin="http://evil.example"), False),
    ],
)
def test_only_the_servers_own_host_and_origin_pass(request_scope, allowed) -> None:
    assert (refusal(request_scope, LOCAL) is None) == allowed


def test_on_every_interface_the_machines_names_and_the_address_reached_pass() -> None:
    served = listening("0.0.0.0", 8765, allow_remote=True)
    assert served.wildcard and not served.loopback and "localhost" in served.names
    lan = scope(host="192.0.2.7:8765", origin="http://192.0.2.7:8765", server=("192.0.2.7", 8765))
    assert refusal(lan, served) is None  # the IP address the connection reached: no rebinding is possible
    assert refusal(scope(host="192.0.2.8:8765", server=("192.0.2.7", 8765)), served) is not None
    assert refusal(scope(host="attacker.example:8765", server=("192.0.2.7", 8765)), served) is not None


@pytest.mark.parametrize("host", ["", "0.0.0.0", "::", "[::]"])
def test_a_wildcard_host_needs_allow_remote(host) -> None:
    with pytest.raises(ConfigError, match="anyone on the network") as caught:
        listening(host, 8765)
    assert caught.value.key == "--host" and "--allow-remote" in caught.value.hint
    assert listening(host, 8765, allow_remote=True).wildcard


def test_a_loopback_name_is_local_and_an_unknown_one_is_refused() -> None:
    assert listening("localhost", 8765).loopback and listening("::1", 8765).loopback
    with pytest.raises(ConfigError, match="not an address or a known name") as caught:
        listening("no-such-host.invalid", 8765)
    assert caught.value.key == "--host"


@needs_app
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--host", ""], "--host': listening on every network interface"),
        (["--host", "0.0.0.0"], "lets anyone on the network drive the dashboard"),
        (["--host", "no-such-host.invalid"], "--host': 'no-such-host.invalid' is not an address"),
        (["--host", "192.0.2.1", "--allow-remote"], "--host': '192.0.2.1' is not an address of this machine"),
    ],
)
def test_a_bad_host_is_one_line_about_host(capsys, args, words) -> None:
    assert cli.main(["app", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "--port" not in err.split("(hint")[0], err


# -- scenario files come only from the places the docs name -------------------------------------------------------


@needs_app
def test_a_client_loads_scenarios_only_from_the_named_places(tmp_path, monkeypatch) -> None:
    from sim.app import sources
    from sim.app.settings import load_upload
    from sim.scenario.load import scenario_path

    started, elsewhere = tmp_path / "started", tmp_path / "elsewhere"
    started.mkdir(), elsewhere.mkdir()
    text = scenario_path("dialogue").read_text()
    for folder in (started, elsewhere):
        (folder / "world.toml").write_text(scenario_path("world").read_text())
    (started / "mine.toml").write_text(text)
    (elsewhere / "secret.toml").write_text(text)
    (started / "link.toml").symlink_to(elsewhere / "secret.toml")
    (started / "pointer.toml").write_text(f'name = "pointer"\nworld = "{elsewhere / "secret.toml"}"\n')
    monkeypatch.setenv(sources.START_VARIABLE, str(started))
    monkeypatch.setenv(sources.STARTED_WITH, "dialogue")

    assert sources.open_scenario("dialogue")[0].name == "dialogue"
    assert sources.open_scenario("mine.toml")[0].name == "dialogue"  # relative to the folder it was started in
    for ref in (
        str(elsewhere / "secret.toml"),
        "../elsewhere/secret.toml",
        "link.toml",
        "pointer.toml",
        "/etc/passwd",
        str(elsewhere / "absent.toml"),
    ):
        with pytest.raises(ConfigError, match="is outside the folders scenarios are read from"):
            sources.open_scenario(ref)
    with pytest.raises(ConfigError, match="cannot name the file") as caught:
        load_upload("up.toml", f'name = "up"\nworld = "{elsewhere / "secret.toml"}"\n'.encode())
    assert caught.value.file == "up.toml" and caught.value.key == "world"
    assert load_upload("up.toml", b'name = "up"\nworld = "world.toml"\n').name == "up"  # the bundled world
    monkeypatch.setenv(sources.STARTED_WITH, str(elsewhere / "secret.toml"))  # the file the server was started on
    assert sources.open_scenario(str(elsewhere / "secret.toml"))[0].name == "dialogue"


# -- a real server ------------------------------------------------------------------------------------------------


def request(port: int, path: str = "/", *, host: str | None = None, headers: dict | None = None, method: str = "GET"):
    """One raw HTTP request (Host as given, not as http.client would set it): (status, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.read() if answer.status != 101 else b""
    finally:
        conn.close()


def handshake(port: int, *, origin: str | None, host: str | None = None, kernel: str = "k") -> int:
    """A raw websocket handshake on Solara's kernel channel: 101 if the server opens it."""
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
    }
    if origin is not None:
        headers["Origin"] = origin
    path = f"/jupyter/api/kernels/{kernel}/channels?session_id=page"
    return request(port, path, host=host, headers=headers)[0]


def counters(port: int) -> tuple[int, int]:
    """Websocket connections Solara has seen, and the kernels it holds (asked as its own page would)."""
    data = json.loads(request(port, "/resourcez")[1])
    return data["websockets"]["attempts"], data["kernels"]["total"]


@needs_app
@pytest.mark.slow
def test_the_server_refuses_foreign_pages_and_rebinding_and_writes_nothing(tmp_path, serve_app) -> None:
    with serve_app(tmp_path, "dialogue") as served:
        port, own = served.port, f"http://127.0.0.1:{served.port}"
        assert request(port)[0] == 200
        before = counters(port)

        status, body = request(port, host="attacker.example")  # curl -H 'Host: attacker.example' http://127.0.0.1
        assert status == 403 and b"diplosim" not in body and b"solara" not in body.lower()
        assert request(port, host=f"attacker.example:{port}")[0] == 403
        assert request(port, headers={"Origin": "http://evil.example"})[0] == 403
        assert request(port, "/_solara/api/close/k?session_id=p", method="POST", headers={"Origin": "null"})[0] == 403
        for origin, host in (("http://evil.example", None), (None, None), (own, f"attacker.example:{port}")):
            assert handshake(port, origin=origin, host=host) == 403
        assert counters(port) == before  # none of them reached the app: no kernel, no connection

        assert handshake(port, origin=own) == 101  # the page's own origin is let through
        assert counters(port)[0] == before[0] + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.log"]  # nothing written
    log = served.log.read_text()
    assert log.count("refused a websocket request") == 3 and "Origin 'http://evil.example'" in log
    assert "Traceback" not in log


@needs_app
@pytest.mark.slow
def test_a_reconnecting_client_is_one_log_line_not_a_traceback(tmp_path, serve_app) -> None:
    from websockets.sync.client import connect

    with serve_app(tmp_path, "dialogue") as served:
        url = f"ws://127.0.0.1:{served.port}/jupyter/api/kernels/again/channels?session_id=page"
        origin = f"http://127.0.0.1:{served.port}"
        with connect(url, origin=origin, additional_headers={"Cookie": "solara-session-id=first"}) as ws:
            ws.send("not a message")  # garbage ends the connection
            with pytest.raises(Exception):  # noqa: B017 (closed by the server, however the client reports it)
                ws.recv(timeout=60)
        stale = {"Cookie": "solara-session-id=second"}  # the same kernel from another session: Solara refuses it
        with connect(url, origin=origin, additional_headers=stale) as ws, pytest.raises(Exception):  # noqa: B017
            while True:
                ws.recv(timeout=60)
        assert request(served.port)[0] == 200  # the server still serves
    log = served.log.read_text()
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log
    assert log.count("a websocket connection for /jupyter/api/kernels/again/channels ended with an error") == 2, log
