"""`newsetl fetch`: the topic decision with the terms that decided it, and what a refused address says.

Pages are our own, served by the stdlib from tmp_path on 127.0.0.1; the command runs in-process."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
{paragraphs}
</article></body></html>"""

ON_TOPIC = [
    "Apple is rebuilding Siri around a large language model that runs partly on the iPhone.",
    "The new assistant will answer follow-up questions and act inside apps, the company said on Monday.",
    "Engineers have been testing the model for months on phones sold in several countries.",
    "A wider release is planned for the spring, after a beta for developers in the summer.",
]
OFF_TOPIC = [
    "The braided sport loop for the Apple Watch is soft, light and easy to adjust with one hand.",
    "After two weeks of daily wear the colour has not faded and the weave has kept its shape.",
    "The magnetic clasp of the leather band held through runs, swims and a long hike in the rain.",
    "Both bands come in three sizes; the loop costs less than the leather one and dries faster.",
]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    for name, title, lines in [
        ("on.html", "Siri gets a language model", ON_TOPIC),
        ("off.html", "Two Apple Watch bands after two weeks", OFF_TOPIC),
    ]:
        paragraphs = "\n".join(f"<p>{line}</p>" for line in lines)
        (tmp_path / name).write_text(PAGE.format(title=title, paragraphs=paragraphs), encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def fetch(*args: str) -> Result:
    from flows.cli import app

    return CliRunner().invoke(app, ["fetch", *args])


def field(result: Result, name: str) -> str:
    return next(line for line in result.stdout.splitlines() if line.startswith(f"{name}:"))


def test_fetch_prints_the_topic_decision_with_the_terms_that_decided_it(site: str) -> None:
    on = fetch(f"{site}/on.html", "--allow-private")
    assert on.exit_code == 0, on.output
    assert field(on, "topic") == (
        "topic:      on topic: mentions Apple (1), iPhone (1), Siri (3), large language model (3)"
    )

    off = fetch(f"{site}/off.html", "--allow-private")
    assert off.exit_code == 0, off.output
    assert field(off, "topic") == "topic:      off topic: no mention of AI; mentions Apple Watch (3)"


def test_a_refused_loopback_address_names_the_flag_that_allows_it(site: str) -> None:
    refused = fetch(f"{site}/on.html")
    assert refused.exit_code == 1
    assert "127.0.0.1 is a private, loopback or link-local address" in refused.stderr
    assert "pass --allow-private" in refused.stderr
    assert "allow_private_addresses" not in refused.stderr
