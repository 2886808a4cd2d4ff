"""Decoding of inbound mail text: declared charset, its alias, then utf-8, GB18030 and latin-1, never dropping text."""

import codecs
import re
from email.errors import HeaderParseError
from email.header import decode_header

# Labels mail programs write that Python does not know, or knows as a narrower charset than the one meant.
ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "gb-2312": "gb18030",
    "x-gb2312": "gb18030", "euc-cn": "gb18030", "x-euc-cn": "gb18030", "cp936": "gb18030", "windows-936": "gb18030",
    "chinese": "gb18030", "csgb2312": "gb18030", "gb18030-2000": "gb18030", "gb": "gb18030",
    "big5": "big5hkscs", "x-big5": "big5hkscs", "big-5": "big5hkscs", "cn-big5": "big5hkscs",
    "shift_jis": "cp932", "shift-jis": "cp932", "x-sjis": "cp932", "sjis": "cp932", "ms_kanji": "cp932",
    "iso-2022-jp": "iso2022_jp_ext", "euc-jp": "euc_jis_2004",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "x-windows-949": "cp949",
    "iso-8859-8-i": "iso-8859-8", "unicode-1-1-utf-7": "utf-7", "utf8": "utf-8", "x-utf8": "utf-8",
    "us-ascii": "utf-8", "ascii": "utf-8", "ansi_x3.4-1968": "utf-8", "iso-8859-1": "cp1252", "latin1": "cp1252",
}
_FALLBACKS = ("utf-8", "gb18030")
_ENCODED_WORD = re.compile(r"(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)")


def codec(label: str | None) -> str | None:
    """Return the Python codec for a mail charset label (alias applied), or None when it is unknown."""
    label = (label or "").strip().strip("\"'").lower()
    if not label:
        return None
    name = ALIASES.get(label, label)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def text_decode(data: bytes, label: str | None) -> tuple[str, bool]:
    """Return the text and whether its charset was guessed (the declared one unknown or wrong)."""
    declared = codec(label)
    for candidate in ((declared,) if declared else ()) + _FALLBACKS:
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        return text.replace("\x00", ""), candidate != (declared or "utf-8") or (bool(label) and declared is None)
    if declared:  # a few bad bytes in otherwise good text: keep the text, mark the bad bytes
        text = data.decode(declared, errors="replace")
        if text.count("\ufffd") * 20 <= len(text):
            return text.replace("\x00", ""), True
    return data.decode("latin-1", errors="replace").replace("\x00", ""), True


def part_text(part) -> tuple[str, bool]:
    """Return the decoded text of one MIME part and whether its charset was guessed."""
    data = part.get_payload(decode=True)
    if data is None:
        payload = part.get_payload()
        return (payload.replace("\x00", "") if isinstance(payload, str) else ""), False
    return text_decode(data, part.get_param("charset"))


def header_text(message, name: str) -> str:
    """Return a header decoded word by word (RFC 2047, raw 8-bit, unknown charsets), "" when absent."""
    raw = next((value for key, value in message.raw_items() if key.lower() == name.lower()), None)
    if raw is None:
        return ""
    try:
        chunks = decode_header(raw)
    except (HeaderParseError, ValueError, LookupError, AssertionError):
        chunks = _chunks_word_by_word(raw)
    text = []
    for chunk, label in chunks:
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        text.append(text_decode(chunk, label)[0])
    return " ".join("".join(text).split())


def _chunks_word_by_word(raw: str) -> list[tuple[str | bytes, str | None]]:
    """Return the chunks of a header whose encoded words are not all valid: a broken word is kept as written."""
    chunks = []
    for piece in _ENCODED_WORD.split(raw):
        if not piece or (not _ENCODED_WORD.fullmatch(piece) and not piece.strip() and chunks):
            continue
        try:
            chunks.extend(decode_header(piece) if _ENCODED_WORD.fullmatch(piece) else [(piece, None)])
        except (HeaderParseError, ValueError, LookupError, AssertionError):
            chunks.append((piece, None))
    return chunks


def charset_guesses(message) -> list[str]:
    """Return the declared charsets of the text parts whose text had to be guessed."""
    guessed = []
    for part in message.walk():
        if part.get_content_maintype() == "text" and part.get_filename() is None:
            try:
                if part_text(part)[1]:
                    guessed.append(part.get_param("charset") or "none")
            except (LookupError, ValueError, TypeError, AttributeError):
                guessed.append("unreadable")
    return guessed


def guess_note(message) -> str:
    """Return the note recording that a text part's charset was guessed, or ""."""
    guessed = charset_guesses(message)
    return f"Charset guessed for: {', '.join(guessed)}"[:255] if guessed else ""
