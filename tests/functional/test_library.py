"""The researcher's own layer through HTTP: follow, save, notes, collections, exports, imports, For You,
CSRF, rate limits and bad input, on the real database."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace

import bibtexparser
from bs4 import BeautifulSoup
from sqlalchemy import Engine, func, select

from paperwire.config import Settings
from paperwire.storage import library_tables
from tests.unit.community.support import client_for, dispose_apps, login, make_app, make_paper, make_user

__all__ = ["dispose_apps"]  # an autouse fixture


def _count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def _client(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    user = make_user(engine)
    client = client_for(make_app(settings)[0])
    return client, login(client, user["email"]), user


def test_follow_an_author_by_a_lower_case_name_variant(settings: Settings, engine: Engine) -> None:
    make_paper(engine, authors=("Jun Suzuki", "Ada Lovelace"))
    make_paper(engine, authors=("J. Suzuki",))
    make_paper(engine, authors=("Jiro Suzuki",))
    client, csrf, _ = _client(settings, engine)
    page = client.get("/authors/jun suzuki")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1.text == "Jun Suzuki"
    assert "J. Suzuki" in soup.select_one(".spellings").text
    assert "Jiro" not in soup.select_one(".spellings").text
    assert "2 papers" in soup.select_one("p.muted:not(.spellings)").text
    response = client.post(
        "/follow", data={"csrf_token": csrf, "kind": "author", "target": "jun suzuki", "next": "/following"}
    )
    assert response.status_code == 303
    again = client.post("/follow", data={"csrf_token": csrf, "kind": "author", "target": "Jun Suzuki"})
    assert again.status_code == 303
    assert _count(engine, library_tables.follows) == 1  # the same person, however spelled
    following = BeautifulSoup(client.get("/following").text, "html.parser")
    section = following.select_one("section.followed")
    assert section.h2.a.text == "Jun Suzuki"
    assert len(section.select("article.paper-card")) == 2
    assert section.select_one('a[href$=".atom"]') is not None
    author_page = BeautifulSoup(client.get("/authors/Jun Suzuki").text, "html.parser")
    assert author_page.select_one("button.follow")["aria-pressed"] == "true"


def test_follow_refuses_unknown_authors_bad_kinds_and_missing_csrf(settings: Settings, engine: Engine) -> None:
    client, csrf, _ = _client(settings, engine)
    unknown = client.post("/follow", data={"csrf_token": csrf, "kind": "author", "target": "Nobody Atall"})
    assert unknown.status_code == 404
    assert "no author named" in unknown.text
    bad = client.post("/follow", data={"csrf_token": csrf, "kind": "planet", "target": "x"})
    assert bad.status_code == 400
    category = client.post("/follow", data={"csrf_token": csrf, "kind": "category", "target": "not a category"})
    assert category.status_code == 400
    no_csrf = client.post("/follow", data={"kind": "category", "target": "cs.LG"})
    assert no_csrf.status_code == 403
    assert _count(engine, library_tables.follows) == 0


def test_save_is_idempotent_unknown_papers_are_404_and_notes_stick(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    client, csrf, _ = _client(settings, engine)
    for _ in range(2):
        assert client.post(f"/papers/{paper_id}/save", data={"csrf_token": csrf}).status_code == 303
    assert _count(engine, library_tables.library_items) == 1
    assert client.post("/papers/2999.99999/save", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/papers/{paper_id}/note", data={"csrf_token": csrf, "note": "read §3"}).status_code == 303
    library = BeautifulSoup(client.get("/library").text, "html.parser")
    assert library.find(id=f"p-{paper_id}").textarea.text == "read §3"
    card = BeautifulSoup(client.get(f"/papers/{paper_id}").text, "html.parser").select_one("button.save")
    assert card["aria-pressed"] == "true"


def test_library_writes_are_rate_limited(settings: Settings, engine: Engine) -> None:
    strict = replace(settings, library_writes_per_minute=3)
    paper_id = make_paper(engine)
    user = make_user(engine)
    client = client_for(make_app(strict)[0])
    csrf = login(client, user["email"])
    codes = [client.post(f"/papers/{paper_id}/save", data={"csrf_token": csrf}).status_code for _ in range(5)]
    assert codes == [303, 303, 303, 429, 429]


def test_collection_export_is_valid_bibtex_with_arxiv_fields(settings: Settings, engine: Engine) -> None:
    first = make_paper(engine, title="Attention is what you need", authors=("Ada Lovelace",))
    second = make_paper(engine, title="Attention is what you need", authors=("Ada Lovelace",))  # same cite key
    client, csrf, _ = _client(settings, engine)
    created = client.post("/collections", data={"csrf_token": csrf, "name": "Reading group"})
    assert created.status_code == 303
    collection = created.headers["location"]
    for paper in (first, second):
        client.post(f"{collection}/add", data={"csrf_token": csrf, "paper": paper})
    text = client.get(f"{collection}/export.bibtex").text
    parsed = bibtexparser.parse_string(text)
    assert parsed.failed_blocks == []
    entries = [{k: f.value for k, f in e.fields_dict.items()} | {"ID": e.key} for e in parsed.entries]
    assert {e["eprint"] for e in entries} == {first, second}
    assert {e["archivePrefix"] for e in entries} == {"arXiv"}
    assert {e["primaryClass"] for e in entries} == {"cs.LG"}
    assert len({e["ID"] for e in entries}) == 2  # unique keys
    assert text == client.get(f"{collection}/export.bibtex").text  # stable
    csl = json.loads(client.get(f"{collection}/export.csl").text)
    assert {item["number"] for item in csl} == {first, second}
    ris = client.get(f"{collection}/export.ris").text
    assert ris.count("ER  - ") == 2
    lines = client.get(f"{collection}/export.jsonl").text.splitlines()
    assert {json.loads(line)["id"] for line in lines} == {first, second}
    assert client.get(f"{collection}/export.docx").status_code == 400
    duplicate = client.post("/collections", data={"csrf_token": csrf, "name": "Reading group"})
    assert duplicate.status_code == 409


def test_collections_are_private_until_made_public(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    client, csrf, _ = _client(settings, engine)
    collection = client.post("/collections", data={"csrf_token": csrf, "name": "Mine"}).headers["location"]
    client.post(f"{collection}/add", data={"csrf_token": csrf, "paper": paper_id})
    page = BeautifulSoup(client.get(collection).text, "html.parser")
    public_url = page.select_one("p.muted").text
    assert "private" in public_url
    client.post(f"{collection}/visibility", data={"csrf_token": csrf, "public": "1"})
    link = BeautifulSoup(client.get(collection).text, "html.parser").select_one('a[href^="/c/"]')["href"]
    stranger = client_for(make_app(settings)[0])
    assert stranger.get(link).status_code == 200
    feed = stranger.get(f"{link}.atom")
    assert feed.status_code == 200
    assert paper_id in feed.text
    assert stranger.get(collection).status_code in (303, 307)  # the owner's page asks for a log-in
    client.post(f"{collection}/visibility", data={"csrf_token": csrf, "public": "0"})
    assert stranger.get(link).status_code == 404


def test_import_skips_broken_entries_and_reports_their_lines(settings: Settings, engine: Engine) -> None:
    known = make_paper(engine)
    client, csrf, _ = _client(settings, engine)
    collection = client.post("/collections", data={"csrf_token": csrf, "name": "Imported"}).headers["location"]
    bib = (
        f"@misc{{a, title={{A}}, eprint={{{known}}}, archivePrefix={{arXiv}}}}\n"
        "@article{b, title={broken\n"
        "@misc{c, title={no id here}}\n"
    )
    files = {"file": ("refs.bib", io.BytesIO(bib.encode()), "text/plain")}
    response = client.post(f"{collection}/import", data={"csrf_token": csrf}, files=files, follow_redirects=True)
    assert response.status_code == 200
    flash_text = BeautifulSoup(response.text, "html.parser").select_one(".flash").text
    assert "Imported 1 paper" in flash_text
    assert "line 2" in flash_text
    assert "line 3" in flash_text
    assert _count(engine, library_tables.collection_items) == 1
    empty = client.post(f"{collection}/import", data={"csrf_token": csrf, "ids": "  "})
    assert empty.status_code == 400


def test_account_export_and_delete_take_everything(settings: Settings, engine: Engine) -> None:
    paper_id = make_paper(engine)
    client, csrf, _ = _client(settings, engine)
    client.post(f"/papers/{paper_id}/save", data={"csrf_token": csrf})
    client.post("/follow", data={"csrf_token": csrf, "kind": "category", "target": "cs.LG"})
    client.post("/collections", data={"csrf_token": csrf, "name": "C"})
    client.post(f"/papers/{paper_id}/not-relevant", data={"csrf_token": csrf})
    archive = zipfile.ZipFile(io.BytesIO(client.get("/account/export.zip").content))
    assert {"library.bib", "library.json", "library.jsonl", "follows.json", "collections.json"} <= set(
        archive.namelist()
    )
    assert json.loads(archive.read("follows.json"))[0]["label"] == "cs.LG"
    from tests.unit.community.support import PASSWORD

    assert client.post("/account/delete", data={"csrf_token": csrf, "password": PASSWORD}).status_code == 303
    for table in (
        library_tables.follows,
        library_tables.library_items,
        library_tables.collections,
        library_tables.feedback,
    ):
        assert _count(engine, table) == 0


def test_a_collection_holds_at_most_ten_thousand_papers(settings: Settings, engine: Engine) -> None:
    from datetime import UTC, datetime

    from paperwire.storage import library as repo
    from paperwire.storage.papers import upsert_papers
    from tests.factories import make_record

    records = [make_record(id=f"2601.{n:05d}", title=f"Paper {n}", abstract="x") for n in range(10_001)]
    with engine.begin() as conn:
        upsert_papers(conn, records)
    client, csrf, _ = _client(settings, engine)
    collection = client.post("/collections", data={"csrf_token": csrf, "name": "Big"}).headers["location"]
    collection_id = int(collection.rsplit("/", 1)[1])
    now = datetime.now(UTC)
    with engine.begin() as conn:  # filled directly: 10,000 form posts would only test the rate limit
        for record in records[:10_000]:
            repo.add_to_collection(conn, collection_id, record.id, now)
    full = client.post(f"{collection}/add", data={"csrf_token": csrf, "paper": records[-1].id})
    assert full.status_code == 400
    assert "is full (10,000 papers)" in full.text
    assert _count(engine, library_tables.collection_items) == 10_000
    assert _count(engine, library_tables.library_items) == 0  # nothing half-written: not saved either
