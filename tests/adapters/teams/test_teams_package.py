"""`kam-bot teams-package`: a zip Teams accepts, checked against the published manifest schema."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from kam_bot.cli import main
from kam_bot.handlers.verbs import CORE_TABLE

SCHEMA = Path(__file__).parent / "schemas" / "MicrosoftTeams.v1.30.schema.json"
"""The published Teams manifest schema v1.30 (from Microsoft's @microsoft/app-manifest package)."""
BOT_ID = "6f1b9a52-3c1e-4a55-9d3b-2f1e8c7a0b11"


def test_the_package_holds_a_valid_manifest_and_both_icons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TEAMS_CLIENT_ID", BOT_ID)
    out = tmp_path / "kam-bot-teams.zip"
    assert main(["teams-package", "--out", str(out)]) == 0
    assert "Upload" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
        color = Image.open(io.BytesIO(zf.read("color.png")))
        outline = Image.open(io.BytesIO(zf.read("outline.png")))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(manifest))
    assert not errors, [e.message for e in errors[:5]]
    assert manifest["manifestVersion"] == schema["properties"]["manifestVersion"]["const"]
    assert manifest["id"] == BOT_ID and manifest["bots"][0]["botId"] == BOT_ID
    assert color.size == (192, 192)
    assert outline.size == (32, 32) and outline.mode == "RGBA"
    alphas = {a for _, _, _, a in outline.getdata()}
    colours = {(r, g, b) for r, g, b, a in outline.getdata() if a}
    assert 0 in alphas and colours == {(255, 255, 255)}  # white on transparent, as Teams requires
    [commands] = manifest["bots"][0]["commandLists"]
    titles = {c["title"] for c in commands["commands"]}
    assert titles <= CORE_TABLE.words  # every listed command is one the bot answers
    assert {"visit", "promise", "price", "stock", "account", "promises", "done", "help", "settings"} <= titles


def test_without_a_bot_id_it_says_what_to_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TEAMS_CLIENT_ID", raising=False)
    assert main(["teams-package", "--out", str(tmp_path / "x.zip")]) == 2
    assert "TEAMS_CLIENT_ID" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()
