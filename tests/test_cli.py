"""The `labinov` console script, run as a user runs it: in a subprocess."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.cli import LABINOV, run

ROOT = Path(__file__).resolve().parents[1]


def test_help_lists_the_labinov_commands(cli_env):
    out = run("--help", env=cli_env).stdout
    for command in ("serve", "migrate", "demo"):
        assert f"\n  {command} " in out
    assert "--dev" in run("serve", "--help", env=cli_env).stdout


def test_python_dash_m_runs_the_same_cli(cli_env):
    result = subprocess.run(
        [sys.executable, "-m", "labinov", "--help"], env=cli_env, capture_output=True, text=True
    )
    assert result.returncode == 0 and "demo" in result.stdout


def test_an_unknown_command_fails_with_a_message(cli_env):
    result = run("no-such-command", env=cli_env, check=False)
    assert result.returncode != 0
    assert "no_such_command" in result.stderr


def test_migrate_demo_and_serve_answer_health(cli_env):
    run("migrate", "--noinput", env=cli_env, timeout=300)
    out = run("demo", env=cli_env).stdout
    assert "Kabupaten Purbalingga" in out and "demo-koordinator" in out
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [str(LABINOV), "serve", "--port", str(port), "--workers", "1"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health") as resp:
                    assert resp.status == 200
                    assert json.loads(resp.read())["status"] == "ok"
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "labinov serve did not answer in 60 s"
                time.sleep(0.3)
        children = subprocess.run(
            ["ps", "-o", "args=", "--ppid", str(server.pid)], capture_output=True, text=True
        ).stdout
        assert "db_worker" in children  # the background worker for browser imports
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as resp:
            html = resp.read().decode()
        assert "Kabupaten Purbalingga" in html
        css = html.split('rel="stylesheet" href="')[1].split('"')[0]
        assert ".css" in css and css != "/static/labinov/css/labinov.css"  # hashed by collectstatic
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{css}") as resp:
            assert resp.status == 200
        icon = html.split('rel="icon" href="')[1].split('"')[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{icon}") as resp:
            assert resp.status == 200 and resp.headers["Content-Type"] == "image/svg+xml"
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)


def test_every_labinov_command_is_documented(cli_env):
    from labinov.cli import FEATURED

    out = run("--help", env=cli_env).stdout
    docs = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in (ROOT / "docs").glob("*.md")
    )
    installed = [c for c in FEATURED if f"\n  {c} " in out and c != "createsuperuser"]
    missing = [c for c in installed if f"labinov {c}" not in docs]
    assert not missing, f"commands without documentation: {missing}"
