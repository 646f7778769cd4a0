"""scripts/screenshots.py: every page type photographed at both sizes, the contact sheet, and the overflow check.

Needs Chromium like tests/test_browser.py: without one these tests skip, except in
CI (CI=true), where a missing browser fails.
"""

from __future__ import annotations

import os
import struct
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from scripts.screenshots import (
    DEFAULT_SIZES,
    Report,
    Size,
    discover_pages,
    find_chromium,
    main,
    serve,
    take_screenshots,
)
from tests.test_site import build, copy_repository

pytestmark = pytest.mark.browser

PAGE_TYPES = {
    "forside",
    "handleplan",
    "handleplan-fokusomraader",
    "handleplan-initiativer",
    "handleplan-forankring",
    "handleplan-idebank",
    "handleplan-afsluttede",
    "fokusomraader",
    "fokusomraade",
    "programmer",
    "program",  # the sample's draft successor; an archive appears once a programme is earlier
    "koordinering",
    "overholdelse",
    "aendringer",
    "rapport",
    "projekter",
    "projekt-med-problemer",
    "projekt",
    "vejledning",
    "vejledning-felter",
    "vejledning-regler",
    "404",
    "soegning",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def chromium() -> str:
    found = find_chromium()
    if found is None:
        message = "no Chromium on PATH: install Debian's chromium package (see .ci/run)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_repository(tmp_path_factory.mktemp("shots")))


@pytest.fixture(scope="module")
def report(chromium: str, site: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    return take_screenshots(site, tmp_path_factory.mktemp("out") / "screenshots")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, which must come first."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert head[12:16] == b"IHDR", f"{path} does not start with IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def write_page(site: Path, url: str, body: str) -> None:
    page = site / url / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title>'
        f"<style>body {{ margin: 0; }}</style></head><body><h1>t</h1>{body}</body></html>",
        encoding="utf-8",
    )


def test_every_page_type_is_photographed_at_both_sizes(report: Report) -> None:
    assert report.notes == []
    for size in DEFAULT_SIZES:
        written = {shot.page.name for shot in report.shots if shot.size == size}
        assert written == PAGE_TYPES
        assert {path.stem for path in (report.out / size.name).glob("*.png")} == PAGE_TYPES


def test_each_screenshot_is_a_png_as_wide_as_the_window(report: Report) -> None:
    for shot in report.shots:
        assert shot.file == report.out / shot.size.name / f"{shot.page.name}.png"
        width, height = png_size(shot.file)
        assert width == shot.size.width, shot.file
        assert height >= shot.size.height, shot.file


def test_the_search_screenshot_shows_results(report: Report) -> None:
    assert [(shot.size.name, shot.page.name, shot.note) for shot in report.shots if shot.note] == []


def test_the_contact_sheet_shows_every_file_and_nothing_from_other_hosts(report: Report) -> None:
    assert report.contact_sheet == report.out / "index.html"
    sheet = report.contact_sheet.read_text(encoding="utf-8")
    for shot in report.shots:
        relative = shot.file.relative_to(report.out).as_posix()
        assert f"<img src='{relative}'" in sheet
    assert "http://" not in sheet
    assert "https://" not in sheet
    assert report.files[-1] == report.contact_sheet


def test_representative_project_pages_are_found_not_hard_coded(site: Path) -> None:
    pages, _notes = discover_pages(site)
    chosen = {page.name: page.path for page in pages}
    troubled = (site / chosen["projekt-med-problemer"] / "index.html").read_text(encoding="utf-8")
    plain = (site / chosen["projekt"] / "index.html").read_text(encoding="utf-8")
    assert "hp-badge--error" in troubled or "hp-badge--warning" in troubled
    assert "hp-badge--error" not in plain
    assert "hp-badge--warning" not in plain
    assert chosen["fokusomraade"].startswith("fokusomraader/")
    assert chosen["fokusomraade"] != "fokusomraader/"


def test_unknown_paths_get_the_sites_own_404_page(site: Path) -> None:
    with serve(site) as base_url, pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(base_url + "findes-ikke/")
    with raised.value as answer:
        assert answer.code == 404
        assert answer.read() == (site / "404.html").read_bytes()


def test_a_missing_site_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "site"
    assert main(["--site", str(missing), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert error == f"error: no built site at {missing}; run `handleplan build` first\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("sizes", ["big", "1440", "1440x", "0x900", "1440x900,x"], ids=str)
def test_sizes_must_be_width_x_height(sizes: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["--sizes", sizes])
    assert raised.value.code == 2
    assert "expected WIDTHxHEIGHT" in capsys.readouterr().err


def test_a_page_wider_than_the_window_is_reported(
    chromium: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    write_page(site, "", '<div class="wide" style="width: 600px">wide</div>')
    write_page(
        site,
        "handleplan",
        '<div style="overflow-x: auto; width: 500px">'
        '<table id="hp-handleplan-tabel" style="width: 800px"><tr><td>x</td></tr></table></div>',
    )
    out = tmp_path / "out"
    assert main(["--site", str(site), "--out", str(out), "--sizes", "390x844,1440x900"]) == 1
    printed = capsys.readouterr().out
    assert "problem: 390x844 forside (/): page scrolls sideways by 210 px (from div.wide +210 px)" in printed
    assert "problem: 1440x900 handleplan (/handleplan/): #hp-handleplan-tabel has 300 px outside its scroll box" in (
        printed
    )
    assert "1440x900 forside" not in printed
    assert png_size(out / "390x844" / "forside.png") == (390, 844)


def test_a_page_that_fits_passes(chromium: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    write_page(site, "", '<div style="max-width: 600px">fits</div>')
    write_page(
        site,
        "handleplan",
        '<div style="overflow-x: auto"><table id="hp-handleplan-tabel"><tr><td>x</td></tr></table></div>',
    )
    report = take_screenshots(site, tmp_path / "out", [Size(390, 844), Size(1440, 900)])
    assert report.problems == []
    assert report.exit_code == 0
    assert [shot.layout.overflow_px for shot in report.shots] == [0, 0, 0, 0]
    assert [shot.layout.table_overflow_px for shot in report.shots] == [None, None, None, 0]
    assert "skipped soegning: no search/search_index.json" in report.notes
    assert main(["--site", str(site), "--out", str(tmp_path / "again"), "--sizes", "390x844"]) == 0
    assert "no layout problems" in capsys.readouterr().out
