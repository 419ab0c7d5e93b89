#!/usr/bin/env python3
"""Reads a Factur-X PDF as its recipient's software would, with the factur-x package.

    facturx_extract.py INVOICE.pdf OUT.xml

Writes the embedded XML to OUT.xml (checked against the Factur-X XSD by factur-x) and prints
one line of facts: the embedded file's name, the Factur-X level and the PDF/A part and
conformance the XMP metadata claims, e.g. `file=factur-x.xml level=en16931 pdfa=3B`.
"""

import re
import sys

from facturx import get_facturx_xml_from_pdf, get_level
from lxml import etree
from pypdf import PdfReader


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    pdf, out = argv
    with open(pdf, "rb") as f:
        data = f.read()
    name, xml = get_facturx_xml_from_pdf(data, check_xsd=True)
    if not xml:
        print(f"{pdf}: no Factur-X XML embedded", file=sys.stderr)
        return 1
    with open(out, "wb") as f:
        f.write(xml)
    metadata = PdfReader(pdf).trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    part = re.search(r"<pdfaid:part>(\d)</pdfaid:part>|pdfaid:part=\"(\d)\"", metadata)
    conformance = re.search(r"<pdfaid:conformance>([A-Z])</pdfaid:conformance>|pdfaid:conformance=\"([A-Z])\"", metadata)
    pdfa = "".join(g for m in (part, conformance) if m for g in m.groups() if g) or "none"
    print(f"file={name} level={get_level(etree.fromstring(xml), 'factur-x')} pdfa={pdfa}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
