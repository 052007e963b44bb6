"""Read and write WeChat's message XML: one ``<xml>`` element of named text fields.

Parsing refuses any document type declaration, so no entity can be defined (billion laughs)
and none can point outside (external entities): expat reports the ``<!DOCTYPE`` before it
reads a single declaration, and the handler stops the parse there. Whatever the encoding the
document claims, expat decodes it first, so the check cannot be dodged with UTF-16. Only the
root's direct children are kept (nested elements such as ``ScanCodeInfo`` are skipped); a field
that occurs twice is refused, so a forged second ``Encrypt`` or ``FromUserName`` cannot hide
behind the first.
"""

from __future__ import annotations

from xml.parsers import expat


class XMLRefused(ValueError):
    """Not well-formed, not ``<xml>…</xml>``, a DTD or entity, or a repeated field."""


def parse_xml(body: bytes) -> dict[str, str]:
    fields: dict[str, str] = {}
    depth = 0
    current: str | None = None
    text: list[str] = []
    root: list[str] = []

    def refuse(*_: object) -> None:
        raise XMLRefused("document type declarations and entities are not accepted")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, current
        depth += 1
        if depth == 1:
            root.append(name)
        elif depth == 2:
            if name in fields or name == current:
                raise XMLRefused(f"field {name} occurs twice")
            current = name
            text.clear()

    def end(name: str) -> None:
        nonlocal depth, current
        if depth == 2 and current is not None:
            fields[current] = "".join(text)
            current = None
        depth -= 1

    def chars(data: str) -> None:
        if depth == 2 and current is not None:
            text.append(data)

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(body, True)
    except expat.ExpatError as e:
        raise XMLRefused(f"not well-formed XML: {e}") from None
    if root != ["xml"]:
        raise XMLRefused("the root element must be <xml>")
    return fields


def _cdata(value: str) -> str:
    # "]]>" cannot stand inside CDATA: end the section there and open another.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def build_xml(fields: dict[str, str | int]) -> str:
    """``<xml>`` with each field in order: ints as plain numbers, strings in CDATA."""
    parts = ["<xml>"]
    for name, value in fields.items():
        inner = str(value) if isinstance(value, int) else _cdata(value)
        parts.append(f"<{name}>{inner}</{name}>")
    parts.append("</xml>")
    return "".join(parts)
