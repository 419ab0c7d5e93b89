#!/usr/bin/env python3
"""Prints an invoice as Factur-X: the printable HTML rendered to PDF/A-3b by WeasyPrint, the
CII (EN 16931 profile) checked against its XSD and embedded as factur-x.xml by factur-x.

    facturx-print.py --check                  says whether the tools are here, and their versions
    facturx-print.py PAGE.html CII.xml OUT.pdf
    facturx-print.py --serve                  prints one document per line of standard input

With --serve, each request is one JSON line {"page": HTML, "cii": XML} and each answer one JSON
line, {"pdf": BASE64} or {"error": TEXT}: the server keeps one such process, so the tools are
loaded once rather than for every document.

Exit status 0 on success; otherwise one line on stderr says what went wrong.
"""

import base64
import json
import sys


def tools():
    import facturx
    import weasyprint
    return facturx, weasyprint


def render(facturx, weasyprint, html, xml):
    # PDF/A-3b: the archival variant that allows an embedded file (the CII).
    pdf = weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/a-3b")
    return facturx.generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=True, lang="fr-FR")


def one_line(error):
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def serve():
    try:
        facturx, weasyprint = tools()
    except ImportError as error:
        print(f"missing Python package: {error.name} (pip install weasyprint factur-x)", file=sys.stderr)
        return 3
    for line in sys.stdin:
        try:
            request = json.loads(line)
            answer = {"pdf": base64.b64encode(render(facturx, weasyprint, request["page"], request["cii"].encode("utf-8"))).decode("ascii")}
        except Exception as error:  # noqa: BLE001 -- the answer says what failed; the next request is served
            answer = {"error": one_line(error)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


def main(argv):
    if argv == ["--serve"]:
        return serve()
    if argv == ["--check"]:
        try:
            facturx, weasyprint = tools()
        except ImportError as error:
            print(f"missing Python package: {error.name} (pip install weasyprint factur-x)", file=sys.stderr)
            return 3
        print(f"weasyprint {weasyprint.__version__}, factur-x {getattr(facturx, '__version__', 'installed')}")
        return 0
    if len(argv) != 3:
        print("usage: facturx-print.py PAGE.html CII.xml OUT.pdf | --check | --serve", file=sys.stderr)
        return 2
    page, cii, out = argv
    try:
        facturx, weasyprint = tools()
    except ImportError as error:
        print(f"missing Python package: {error.name} (pip install weasyprint factur-x)", file=sys.stderr)
        return 3
    with open(page, encoding="utf-8") as f:
        html = f.read()
    with open(cii, "rb") as f:
        xml = f.read()
    try:
        facturx_pdf = render(facturx, weasyprint, html, xml)
    except Exception as error:  # noqa: BLE001 -- the caller gets one line, whatever failed
        print(one_line(error), file=sys.stderr)
        return 1
    with open(out, "wb") as f:
        f.write(facturx_pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
