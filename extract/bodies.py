"""Response bodies: undo Content-Encoding under a size cap, and choose the text encoding. Pure, no I/O.

Split from extract/http.py so the byte-level rules (gzip bombs, charsets) test with plain bytes.
"""

from __future__ import annotations

import codecs
import re
import zlib

import charset_normalizer


class BodyError(Exception):
    """A body that cannot be accepted: `code` is "too_large" or "decoding"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class BodyDecoder:
    """Undoes Content-Encoding chunk by chunk, never producing more than `limit` bytes in total.

    zlib's max_length bounds each step, so a gzip bomb stops after `limit` bytes of output instead of
    inflating a whole network chunk (which can grow a thousandfold) first. Raises BodyError.
    """

    def __init__(self, content_encoding: str, limit: int) -> None:
        encoding = content_encoding.strip().lower()
        self._z: zlib._Decompress | None
        if encoding in ("", "identity"):
            self._z = None
        elif encoding in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif encoding == "deflate":
            # 32 + MAX_WBITS accepts both zlib-wrapped and gzip data; servers disagree on "deflate".
            self._z = zlib.decompressobj(zlib.MAX_WBITS | 32)
        else:
            raise BodyError("decoding", f"unsupported Content-Encoding {encoding!r}")
        self._limit, self._produced = limit, 0

    def feed(self, data: bytes) -> bytes:
        if self._z is None:
            self._count(data)
            return data
        out = []
        try:
            while data:
                chunk = self._z.decompress(data, self._limit - self._produced + 1)
                self._count(chunk)
                out.append(chunk)
                data = self._z.unconsumed_tail
        except zlib.error as error:
            raise BodyError("decoding", f"broken compressed body: {error}") from error
        return b"".join(out)

    def flush(self) -> bytes:
        if self._z is None:
            return b""
        rest = self._z.flush()
        self._count(rest)
        return rest

    def _count(self, chunk: bytes) -> None:
        self._produced += len(chunk)
        if self._produced > self._limit:
            after = " after decompression" if self._z is not None else ""
            raise BodyError("too_large", f"body is over the {self._limit:,}-byte limit{after}")


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
# WHATWG Encoding: browsers read these labels as their supersets, and so must we to show the same text.
_SUPERSETS = {
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
# WHATWG HTML (prescan of <meta charset>): a UTF-16 label found in the bytes means UTF-8, since bytes in
# which an ASCII declaration can be read are not UTF-16. The same holds for an XML declaration and for
# UTF-32. Only a BOM (or the HTTP header) can make a body UTF-16.
_NOT_IN_DOCUMENT = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"})


def choose_encoding(content: bytes, declared: str | None) -> str:
    """The encoding to read `content` with: BOM, then the header's charset, then <meta charset> or the
    XML declaration, then detection.

    A <meta> or XML declaration of UTF-16 or UTF-32 is read as UTF-8, as browsers do (WHATWG).

    A declaration is trusted only when the bytes decode with it. A legacy label (latin-1, GBK...) on bytes
    that are valid UTF-8 with non-ASCII characters is taken to be wrong: such bytes are almost never
    legacy text by accident, and reading them as latin-1 is exactly the mojibake to avoid.
    """
    for bom, bom_codec in _BOMS:
        if content.startswith(bom):
            return bom_codec
    utf8 = _decodes(content, "utf-8")
    head = content[:4096]
    found = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    in_document = _codec(found.group(1).decode("ascii")) if found else None
    if in_document in _NOT_IN_DOCUMENT:
        in_document = "utf-8"
    for name in (_codec(declared), in_document):
        if name is None or (name != "utf-8" and utf8 and not content.isascii()):
            continue
        if _decodes(content, name):
            return name
    if utf8:
        return "utf-8"
    best = charset_normalizer.from_bytes(content[:200_000]).best()
    return (_codec(best.encoding) if best else None) or "cp1252"


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True
