# ruff: noqa: E501 - the XML parts of an XLSX file are written as Office writes them
"""Hostile files built in the test, as an attacker would: small on disk, huge once opened."""

import struct
import zipfile
import zlib
from pathlib import Path


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A real, complete black-and-white PNG of width x height pixels (400 megapixels by
    default) that is a few dozen KB: its rows are all zero and compress ~1000 to 1."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, grey
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + the row's bits
    idat = b"".join(packer.compress(row * 100) for _ in range(height // 100)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="inovasi" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def xlsx_bomb(path: Path, *, rows: int = 20_000, length: int = 32_000) -> Path:
    """A valid workbook in the exchange format whose every row names an innovation with a
    string of ``length`` letters, each listed in the shared-strings table that openpyxl
    holds in memory whole, even in read-only mode: 640 MB of text in about 1 MB."""
    text = "A" * length
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst {_MAIN} count="{rows}" uniqueCount="{rows}">'.encode())
            item = f"<si><t>{text}</t></si>".encode()
            for _ in range(rows):
                part.write(item)
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f"<worksheet {_MAIN}><sheetData>".encode())
            header = "".join(
                f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
                for col, name in zip("ABC", ("source_id", "name", "region"), strict=True)
            )
            part.write(f'<row r="1">{header}</row>'.encode())
            for n in range(rows):
                r = n + 2
                part.write(
                    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>bom-{n}</t></is></c>'
                    f'<c r="B{r}" t="s"><v>{n}</v></c>'
                    f'<c r="C{r}" t="inlineStr"><is><t>Kabupaten Uji</t></is></c></row>'.encode()
                )
            part.write(b"</sheetData></worksheet>")
    return path
