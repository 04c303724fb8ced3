"""Writing a segment of the search index in bulk: the files whoosh's own writer makes, read by
whoosh as they always were, for a fraction of its Python work per posting.

Whoosh's `SegmentWriter` sends every posting on a long trip — analysis through a chain of token
generators, a tuple into a sorting pool, a sort, and one call per posting into the postings
writer, which pickles and compresses each term's block on its own. Here a document's fields are
analysed by the schema's own analysers once per distinct word (names, cities and statuses
repeat), each term's document numbers are appended to a list as documents arrive (already in
order: no pool, no sort), and each term's blocks are encoded straight into one buffer; only
full blocks are compressed (most terms name one document, whose block compression only grows;
each block says whether it is compressed and the reader follows). Measured on 20,000 guests
and 4,000 stays (634k postings, 113k terms, one segment): 12.0–14.9 s of CPU in whoosh's writer,
3.6–4.0 s here; merging that segment with a seventh of it deleted 14.9–19.1 s, 2.1 s here.

Only the schema of `pms.search.schema` is written this way: every indexed field records
existence alone (no frequencies, positions, lengths, vectors or columns). `BulkWriter` refuses
any other field rather than writing it wrong. Merging a segment in (`add_reader`: a purge, or
whoosh's merge of small segments) copies its live documents' stored values and postings the same
way, reading a term that names one document from its term information alone.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from hashlib import md5
from io import BytesIO
from itertools import accumulate
from pickle import dumps, load, loads
from typing import Any

from whoosh.analysis import CompositeAnalyzer, IDTokenizer, LowercaseFilter, RegexTokenizer
from whoosh.codec.whoosh3 import STORED_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.columns import VarBytesColumn
from whoosh.fields import FieldType, UnknownFieldError
from whoosh.filedb.filetables import _lengths
from whoosh.formats import Existence
from whoosh.system import pack_int, pack_long, pack_ushort, unpack_int
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from pms.search.schema import codec

#: Postings per block, as whoosh's codec writes them (the reader skips whole blocks).
BLOCK_POSTINGS = 128
#: Only full blocks are compressed (zlib level 3, as whoosh's codec): smaller ones gain little.
COMPRESS_FROM = BLOCK_POSTINGS
#: Distinct words whose analysis a writer remembers (one segment's names, cities, statuses).
MAX_REMEMBERED_WORDS = 200_000

#: The length byte of a posting list without lengths (FlatWeighting never reads them).
_NO_LENGTH = length_to_byte(0)
_TERM_INFO = W3TermInfo._struct
#: Where a term's posting list is in the postings file: offset and length (after its info).
_EXTENT = struct.Struct("!qi")

#: A field's analysis: the distinct terms (UTF-8) of one value.
Analysis = Callable[[Any], Iterable[bytes]]

#: Tokenizers whose tokens never hold a space: a value's words can be analysed one by one.
_SPACE_FREE_PATTERNS = {r"[\w\*]+(\.?[\w\*]+)*", r"[^ \t\r\n]+"}


def _whole(field: FieldType) -> Analysis:
    return lambda value: [t for t, _, _, _ in field.index(value)]


def _splits_at_spaces(field: FieldType) -> bool:
    analyzer = field.analyzer
    tokenizer = analyzer.items[0] if isinstance(analyzer, CompositeAnalyzer) else analyzer
    return (
        isinstance(tokenizer, RegexTokenizer)
        and not tokenizer.gaps
        and tokenizer.expression.pattern in _SPACE_FREE_PATTERNS
    )


def _lowercased_words(field: FieldType) -> bool:
    analyzer = field.analyzer
    return (
        isinstance(analyzer, CompositeAnalyzer)
        and len(analyzer.items) == 2
        and type(analyzer.items[1]) is LowercaseFilter
    )


def analysis(field: FieldType) -> Analysis:
    """How the writer turns a value of `field` into its terms — the same terms the field's
    analyser gives (tested against whoosh's writer), remembered per word where it may."""
    if isinstance(field.analyzer, IDTokenizer):

        def _identity(value: Any) -> Iterable[bytes]:
            return (value.encode("utf-8"),) if isinstance(value, str) else _whole(field)(value)

        return _identity
    if not _splits_at_spaces(field):
        return _whole(field)
    if _lowercased_words(field):
        # A word is its own term, in lower case (codes, phone digits): nothing to remember.
        words = field.analyzer.items[0].expression.finditer
        return lambda value: (
            {m.group(0).lower().encode("utf-8") for m in words(value)}
            if isinstance(value, str)
            else _whole(field)(value)
        )
    remembered: dict[str, tuple[bytes, ...]] = {}
    index = _whole(field)

    def _by_word(value: Any) -> Iterable[bytes]:
        if not isinstance(value, str):
            return index(value)
        terms: set[bytes] = set()
        for word in value.split(" "):
            found = remembered.get(word)
            if found is None:
                if len(remembered) >= MAX_REMEMBERED_WORDS:
                    remembered.clear()
                found = remembered[word] = tuple(index(word))
            terms.update(found)
        return terms

    return _by_word


def _check(field_name: str, field: FieldType) -> None:
    fmt = field.format
    if field.indexed and not (
        isinstance(fmt, Existence)
        and fmt.field_boost == 1.0
        and not field.vector
        and not field.column_type
        and not field.separate_spelling()
    ):
        raise ValueError(f"the bulk writer cannot write the field {field_name!r}")


class BulkWriter(SegmentWriter):
    """A whoosh segment writer (deletes, updates, commits and merge policies as whoosh's) that
    writes its new segment's postings in bulk."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, codec=codec(), **kwargs)
        for name, field in self.schema.items():
            _check(name, field)
        self._analyses = {n: analysis(f) for n, f in self.schema.items() if f.indexed}
        self._stored = {n: f for n, f in self.schema.items() if f.stored}
        self._lists: dict[str, dict[bytes, list[int]]] = {n: {} for n in self._analyses}
        self._names = set(self.schema.names())

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        docnum = self.docnum
        perdoc = self.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for name, value in fields.items():
                if value is None:
                    continue
                if name not in self._names:
                    raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
                analyse = self._analyses.get(name)
                if analyse is not None:
                    lists = self._lists[name]
                    for term in analyse(value):
                        found = lists.get(term)
                        if found is None:
                            lists[term] = [docnum]
                        else:
                            found.append(docnum)
                if name in self._stored:
                    perdoc.add_field(name, self._stored[name], value, 0)
        except BaseException:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def add_reader(self, reader: Any) -> None:
        """Copy the live documents of a segment's `reader` into this writer's new segment."""
        self._check_state()
        renumbered: dict[int, int] = {}
        perdoc = self.perdocwriter
        # A document's stored values are copied as the compressed bytes they are on disk
        # (whoosh would decompress, unpickle, pickle and compress each document again).
        stored = reader._perdoc._cached_reader("_stored", STORED_COLUMN)
        copied = perdoc._colwriters["_stored"]._child
        for old in reader.all_doc_ids():
            renumbered[old] = self.docnum
            perdoc.start_doc(self.docnum)
            if stored is not None and (
                raw := VarBytesColumn.Reader.__getitem__(stored._child, old)
            ):
                VarBytesColumn.Writer.add(copied, self.docnum, raw)
            perdoc.finish_doc()
            self.docnum += 1
        renumber = [-1] * reader.doc_count_all()
        for old, new in renumbered.items():
            renumber[old] = new
        for name, term, docnums in _posting_lists(reader._terms):  # its W3TermsReader
            lists = self._lists.get(name)
            if lists is None:
                continue
            kept = [renumber[d] for d in docnums if renumber[d] >= 0]
            if kept:
                lists.setdefault(term, []).extend(kept)
        self._added = True

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fields = self.fieldwriter
        for name in sorted(self._lists):
            if lists := self._lists[name]:
                fields.start_field(name, self.schema[name])
                _write_field(fields, pack_ushort(fields._fieldid), lists)
                fields.finish_field()
        self._lists.clear()
        fields.close()


def _write_field(fields: Any, prefix: bytes, lists: dict[bytes, list[int]]) -> None:
    """Append one field's posting lists to the postings file and its terms to the term index,
    in term order, as whoosh's `W3FieldWriter` would."""
    postfile, tindex = fields._postfile, fields._tindex
    offset = postfile.tell()
    postings: list[bytes] = []
    keyed: list[bytes] = []
    tpos = tindex.dbfile.tell()
    positions: list[int] = []
    buckets = tindex.buckets
    for term in sorted(lists):
        docnums = lists[term]
        encoded = _posting_list(docnums)
        postings.append(encoded)
        count = len(docnums)
        info = (
            _TERM_INFO.pack(0, float(count), count, 0, _NO_LENGTH, 1.0, docnums[0], docnums[-1])
            + pack_long(offset)
            + pack_int(len(encoded))
        )
        offset += len(encoded)
        key = prefix + term
        keyed += (_lengths.pack(len(key), len(info)), key, info)
        # The term index's hash (whoosh's md5_hash): the low 32 bits of the key's MD5.
        h = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
        buckets[h & 255].append((h, tpos))
        positions.append(tpos)
        tpos += _lengths.size + len(key) + len(info)
    postfile.write(b"".join(postings))
    tindex.dbfile.write(b"".join(keyed))
    tindex.index.extend(positions)
    tindex.lastkey = key


def _posting_list(docnums: list[int]) -> bytes:
    """A term's postings as whoosh's codec writes them: a header, then blocks of at most
    `BLOCK_POSTINGS` document numbers (delta-encoded; no weights or values: existence only)."""
    parts = [WHOOSH3_HEADER_MAGIC]
    count = len(docnums)
    for start in range(0, count, BLOCK_POSTINGS):
        block = docnums[start : start + BLOCK_POSTINGS]
        deltas = tuple(b - a for a, b in zip([0, *block], block, strict=False))
        data = dumps((deltas, None, None), 2)
        level = 3 if len(block) >= COMPRESS_FROM else 0
        if level:
            data = zlib.compress(data, level)
        info = dumps((len(block), block[-1], 1.0, level, 0, _NO_LENGTH), 2)
        size = len(info) + len(data)
        parts += (pack_int(-size if start + BLOCK_POSTINGS >= count else size), info, data)
    return b"".join(parts)


def _posting_lists(terms: Any) -> Iterator[tuple[str, bytes, Iterable[int]]]:
    """Every term of a segment's terms reader with its document numbers, read from the files
    in bulk: a term of one document from its term information alone, the others block by
    block (whoosh's matcher steps through them one posting at a time)."""
    fieldnames = terms._fieldunmap
    postfile = terms._postfile
    header = len(WHOOSH3_HEADER_MAGIC)
    for key, value in terms._tindex.items():
        name, term = fieldnames[int.from_bytes(key[:2], "big")], key[2:]
        flags, _, count, _, _, _, first, _ = _TERM_INFO.unpack_from(value)
        if flags:  # postings kept inside the term information (whoosh never writes these)
            yield name, term, loads(value[_TERM_INFO.size :])[0]
        elif count == 1:
            yield name, term, (first,)
        else:
            offset, length = _EXTENT.unpack_from(value, _TERM_INFO.size)
            yield name, term, _block_ids(postfile.get(offset + header, length - header))


def _block_ids(data: bytes) -> list[int]:
    """The document numbers of a posting list's blocks (after its header)."""
    ids: list[int] = []
    position = 0
    while position < len(data):
        size = abs(unpack_int(data[position : position + 4])[0])
        block = BytesIO(data[position + 4 : position + 4 + size])
        level = load(block)[3]
        payload = block.read()
        deltas = loads(zlib.decompress(payload) if level else payload)[0]
        ids += accumulate(deltas)  # each block counts from 0 (whoosh's `delta_encode`)
        position += 4 + size
    return ids
