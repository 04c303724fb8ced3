"""The search index's bulk writer (`pms.search.writer`) writes the index whoosh's own writer
writes: every term of every field with the same documents, and the same stored result lines —
for a hotel's documents as a build makes them, and again after deleted documents are merged
away (a purge's rewrite), read back through whoosh from the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import insert
from whoosh import index
from whoosh.writing import SegmentWriter

from db.models import Guest
from pms.kernel.desk import Desk
from pms.search.documents import Doc
from pms.search.reading import all_docs
from pms.search.schema import codec, schema
from pms.search.writer import BulkWriter

#: Names and details that analysis treats carefully: accents, case, runs of spaces, a tab, a
#: hyphen and an apostrophe, digits in odd places, a phone that does not parse.
GUESTS = [
    {"first_name": "José  María", "last_name": "García-Núñez", "email": "JM@Example.com",
     "phone": "+34 612 345 678", "company": "Acme\tTravel", "city": "São Paulo"},
    {"first_name": "Wisława", "last_name": "Szymborska", "email": "w.s@example.com",
     "phone": "0048 (22) 123-45-67", "loyalty_number": "LX0000042", "vip_level": 2},
    {"first_name": "", "last_name": "O'Brien", "email": "ob@example.com", "phone": "ext 12",
     "city": "Dún Laoghaire", "do_not_rent": True},
    {"first_name": "Ana", "last_name": "Madrigal", "email": "ana@example.com",
     "phone": "+351912345678", "company": "Madrigal & Filhos, Lda."},
]  # fmt: skip


def _whooshs_own(ix: Any) -> SegmentWriter:
    return SegmentWriter(ix, codec=codec())


def _indexed(
    directory: Path, write: Any, docs: list[Doc], deleted: list[str], merge: Any = None
) -> Any:
    """The terms (with their documents) and stored lines of an index written by `write`,
    after the documents with the `deleted` keys were deleted and merged away (by `merge`,
    `write` unless told)."""
    directory.mkdir()
    ix = index.create_in(str(directory), schema())
    writer = write(ix)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    if deleted:
        writer = (merge or write)(ix)
        for key in deleted:
            writer.delete_by_term("key", key)
        writer.add_document(**docs[0])
        writer.commit(optimize=True)
    with index.open_dir(str(directory)).reader() as reader:
        terms = {term: list(reader.postings(*term).all_ids()) for term in reader.all_terms()}
        stored = [reader.stored_fields(n) for n in reader.all_doc_ids()]
    return terms, stored


def _both(tmp_path: Path, docs: list[Doc], deleted: list[str]) -> tuple[Any, Any]:
    whoosh_own = _indexed(tmp_path / "whoosh", _whooshs_own, docs, deleted)
    return whoosh_own, _indexed(tmp_path / "bulk", BulkWriter, docs, deleted)


def _hotel_docs(hotel: Desk) -> list[Doc]:
    def _guests(session) -> None:  # type: ignore[no-untyped-def]
        session.execute(insert(Guest), GUESTS)
        session.execute(
            insert(Guest),
            [{"first_name": "Ann", "last_name": f"Lee{n}", "email": f"ann{n}@example.com",
              "phone": f"+44 7700 900{n:03d}"} for n in range(300)],
        )  # fmt: skip

    hotel.run(_guests)
    return hotel.read(lambda session: list(all_docs(session)))


def test_a_build_writes_the_terms_and_lines_whooshs_own_writer_writes(
    hotel: Desk, tmp_path: Path
) -> None:
    docs = _hotel_docs(hotel)
    (whoosh_terms, whoosh_lines), (bulk_terms, bulk_lines) = _both(tmp_path, docs, [])
    assert bulk_terms == whoosh_terms
    assert bulk_lines == whoosh_lines
    assert ("name", b"szymborska") in bulk_terms
    assert ("name", b"garcia") in bulk_terms
    # 300 guests named Ann: a posting list longer than a block (128) reads back whole.
    assert len(bulk_terms[("name", b"ann")]) == 300


def test_merging_deleted_documents_away_keeps_the_same_index(hotel: Desk, tmp_path: Path) -> None:
    docs = _hotel_docs(hotel)
    deleted = [doc["key"] for doc in docs[::3]]
    (whoosh_terms, whoosh_lines), (bulk_terms, bulk_lines) = _both(tmp_path, docs, deleted)
    assert bulk_terms == whoosh_terms
    assert bulk_lines == whoosh_lines
    assert len(bulk_lines) == len(docs) - len(deleted) + 1


def test_an_index_whoosh_wrote_is_merged_by_the_bulk_writer_as_by_whoosh(
    hotel: Desk, tmp_path: Path
) -> None:
    # A desk's index built before the bulk writer: its first purge rewrites whoosh's segments.
    docs = _hotel_docs(hotel)
    deleted = [doc["key"] for doc in docs[1::4]]
    whoosh_own = _indexed(tmp_path / "whoosh", _whooshs_own, docs, deleted)
    bulk = _indexed(tmp_path / "bulk", _whooshs_own, docs, deleted, merge=BulkWriter)
    assert bulk == whoosh_own
