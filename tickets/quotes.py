"""The quoted history under a reply: where it starts, so that it is folded on display and never lost."""

import re

# A line that opens the earlier mail: "On … wrote:", "在 … 写道：", "-----Original Message-----", "-----原始邮件-----",
# Outlook's header block ("From:" / "发件人:" followed by "Sent:" / "发送时间:" …) or a Chinese client's bare "发件人:".
_QUOTE_HEAD = re.compile(
    r"^\s*(On .{4,200} wrote:|在 ?.{4,200}写道[:：]|-{2,} ?(Original Message|原始邮件) ?-{2,}"
    r"|发件人[:：].*)\s*$", re.IGNORECASE)
_OUTLOOK_FROM = re.compile(r"^\s*(From|发件人)\s*[:：]\s*\S", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\s*(Sent|Date|To|发送时间|日期|收件人)\s*[:：]", re.IGNORECASE)


def quote_split(text: str) -> tuple[str, str]:
    """Return the reply's own text and the quoted history under it ("" when none); own text is never empty if text is not."""
    lines = (text or "").splitlines()
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _QUOTE_HEAD.match(line) or (_OUTLOOK_FROM.match(line) and _OUTLOOK_NEXT.match(following)):
            return _split_at(lines, index)
    # A trailing block of "> " lines (blank lines between them allowed) is quoted history too.
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].lstrip().startswith(">"):
            start = index
        elif lines[index].strip():
            break
    return _split_at(lines, start)


def _split_at(lines: list[str], index: int) -> tuple[str, str]:
    own, quoted = "\n".join(lines[:index]).strip(), "\n".join(lines[index:]).strip()
    if not own:
        return quoted, ""  # nothing but quotes: show them as the text
    return own, quoted
