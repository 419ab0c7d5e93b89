"""The accountant's desk of the web pages in a real browser (Debian's chromium through Playwright).

Run by Tests/MuseoLabTests/Web/AccountantBrowserTests.swift, which serves a seeded database where
the university has consumables to be invoiced this month, delivers the outbox to a real SMTP sink
and writes each e-mail it receives to MAILS as N.txt.

    accountant_flows.py BASE_URL MAILS SCREENSHOTS EMAIL DOWNLOADS GRID_TSV

Each check raises on failure; the last line printed is "ok" when every flow passed. Every page
is checked with axe-core (no serious or critical violation), and screenshotted at desktop width
and at 390 px (no horizontal scrolling).
"""
import csv
import datetime
import io
import pathlib
import re
import sys

from pypdf import PdfReader
from playwright.sync_api import expect, sync_playwright

import page_checks
from page_checks import checked

BASE, MAILS, SHOTS, EMAIL, DOWNLOADS, GRID = sys.argv[1:7]
UNIVERSITY = "Université d'Artois"


def check_page(page, name):
    page_checks.check_page(page, name, SHOTS)


def sign_in(page, seen):
    page.goto(f"{BASE}/connexion")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_role("button", name="Recevoir mon lien de connexion").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    link, seen = page_checks.next_link(MAILS, seen)
    page.goto(link)
    page.get_by_role("button", name="Me connecter").click()
    expect(page).to_have_url(f"{BASE}/machines")
    return link, seen


def download(page, click, binary=False):
    """Runs `click`, which starts a download; the file's suggested name and its text (UTF-8),
    or its bytes."""
    with page.expect_download() as info:
        click()
    file = info.value
    path = pathlib.Path(DOWNLOADS) / file.suggested_filename
    file.save_as(path)
    data = path.read_bytes()
    return file.suggested_filename, data if binary else data.decode("utf-8")


def issue_with_keyboard(page):
    """Ticks the confirmation with the space bar, then issues with the keyboard."""
    box = page.get_by_label(re.compile("l'émission est définitive"))
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked(), "the confirmation ticks with the space bar"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Émettre le document", "the issue button follows the confirmation"
    page.keyboard.press("Enter")


today = datetime.date.today()

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = context.new_page()

    # Signed out, the desk leads to the sign-in page.
    page.goto(f"{BASE}/comptabilite/factures")
    expect(page).to_have_url(f"{BASE}/connexion")
    _, seen = sign_in(page, 0)

    # The tariff grid: its versions, and which one prices a day.
    desk = page.get_by_role("list", name="Comptabilité")
    desk.get_by_role("link", name="Tarifs", exact=True).click()
    expect(page.get_by_role("heading", name="Grille tarifaire", exact=True)).to_be_visible()
    expect(page.locator(".desk-list")).to_contain_text("Grille 2026")
    check_page(page, "compta-tarifs")
    page.get_by_label("Jour de la prestation").fill("2026-03-15")
    page.get_by_role("button", name="Voir la version en vigueur").click()
    expect(page).to_have_url(re.compile(r"jour=2026-03-15"))
    expect(page.locator("#en-vigueur")).to_contain_text("15 mars 2026")
    expect(page.get_by_role("region", name="Articles de la version en vigueur")).to_contain_text("filament-pla")
    page.goto(f"{BASE}/comptabilite/tarifs?jour=2020-01-01")
    expect(page.locator(".desk-panel .warning")).to_contain_text("Aucune version de la grille")
    response = page.goto(f"{BASE}/comptabilite/tarifs?jour=demain")
    assert response.status == 422, f"a day that does not read: {response.status}"
    expect(page.locator("#jour-erreur")).to_contain_text("AAAA-MM-JJ")

    # A new version, uploaded as a file: a file with a wrong line is refused at the table, in French,
    # at its line as the spreadsheet counts it, and nothing is loaded; the right file is previewed
    # line by line (nothing loaded yet), then loaded from the same bytes.
    grid = pathlib.Path(GRID).read_text(encoding="utf-8")
    items = [line for line in grid.splitlines()[1:] if line.strip() and not line.startswith("#")][1:]
    wrong_line = next(number for number, line in enumerate(grid.splitlines(), start=1) if "\t20%\t" in line)
    page.get_by_label("Date d'effet").fill("2030-01-01")
    page.get_by_label("Fichier TSV").set_input_files(files=[{
        "name": "grille-fausse.tsv", "mimeType": "text/tab-separated-values",
        "buffer": grid.replace("\t20%\t", "\t120%\t", 1).encode("utf-8")}])
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.locator("#grille-erreur")).to_have_text(
        f"Le tableau est refusé, rien n'a été chargé. Ligne {wrong_line} : la TVA « 120% » n'est ni un taux comme 20% "
        "ni « exempt: » suivi de la mention légale.")
    assert page.get_by_label("Fichier TSV").get_attribute("aria-invalid") == "true"
    # What was uploaded is kept, in the table's box, to be fixed there.
    assert "\t120%\t" in page.get_by_label("ou tableau collé").input_value()
    check_page(page, "compta-tarifs-refus")
    page.get_by_label("ou tableau collé").fill("")
    page.get_by_label("Fichier TSV").set_input_files(GRID)
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_role("heading", name="Aperçu : rien n'est encore chargé")).to_be_visible()
    expect(page.locator("#apercu ~ p[role=status]")).to_contain_text(f"Le fichier « {pathlib.Path(GRID).name} » se lit")
    expect(page.locator("#apercu ~ p[role=status]")).to_contain_text("1er janvier 2030")
    preview = page.get_by_role("region", name="Aperçu du tableau, ligne par ligne")
    expect(preview.locator("tbody tr")).to_have_count(len(items))
    expect(preview).to_contain_text("filament-pla")
    expect(page.locator(".desk-list li")).to_have_count(1)
    check_page(page, "compta-tarifs-apercu")
    page.get_by_role("button", name="Charger cette version").click()
    expect(page.get_by_role("status")).to_contain_text("est chargée")
    expect(page.locator(".desk-list li")).to_have_count(2)
    expect(page.locator("#en-vigueur")).to_contain_text("1er janvier 2030")

    # What is to invoice: the university's consumables; more entered with the keyboard (a day with
    # no grid in force is refused at the consumable).
    desk.get_by_role("link", name="À facturer", exact=True).click()
    expect(page.get_by_role("heading", name="À facturer", exact=True)).to_be_visible()
    university = page.locator("section.desk-panel", has_text=UNIVERSITY)
    expect(university).to_contain_text("2 élément(s)")
    page.locator("#conso-client").select_option(label=UNIVERSITY)
    page.locator("#conso-code").select_option("plywood-3mm")
    page.get_by_label("Quantité").fill("4")
    page.get_by_label("Date de remise").fill("2020-01-01")
    page.get_by_role("button", name="Enregistrer les consommables").click()
    expect(page.locator("#conso-code-erreur")).to_be_visible()
    check_page(page, "compta-a-facturer-refus")
    page.get_by_label("Date de remise").fill(today.isoformat())
    page.get_by_label("Quantité").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("consommables sont enregistrés")
    expect(university).to_contain_text("3 élément(s)")
    expect(university).to_contain_text("Contreplaqué")
    check_page(page, "compta-a-facturer")

    # The university is a public body whose SIRET is not known yet: said in its section, and a
    # draft is refused naming what is missing and where to set it; a wrong SIRET is said at its field.
    expect(university.get_by_role("alert")).to_contain_text("Chorus Pro refuse ses factures sans son SIRET")
    university.get_by_role("button", name=f"Préparer le brouillon de {UNIVERSITY}").click()
    expect(page.get_by_role("alert").filter(has_text="Chorus Pro")).to_contain_text(
        "Renseignez-le dans ses coordonnées de facturation, page « À facturer »")
    check_page(page, "compta-brouillon-sans-siret")
    desk.get_by_role("link", name="À facturer", exact=True).click()
    siret = university.get_by_label("SIRET (requis : organisme public)", exact=True)
    siret.fill("196 244 016 00009")
    university.get_by_role("button", name=f"Enregistrer les coordonnées de {UNIVERSITY}").click()
    expect(university.locator(".field.invalid")).to_contain_text("clé de contrôle valide")
    expect(siret).to_have_value("196 244 016 00009")
    check_page(page, "compta-coordonnees-refus")
    siret.fill("196 244 016 00008")
    university.get_by_label("Compte client auxiliaire").fill("cunivartois")
    university.get_by_label("Compte client auxiliaire").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("coordonnées de facturation sont enregistrées")
    expect(siret).to_have_value("19624401600008")
    expect(university.get_by_label("Compte client auxiliaire")).to_have_value("CUNIVARTOIS")
    expect(university.get_by_role("alert")).to_have_count(0)

    # The university's period, drafted from its section, then reviewed.
    university.get_by_label("N° d'engagement juridique (facultatif)").fill("EJ-2026-0042")
    university.get_by_role("button", name=f"Préparer le brouillon de {UNIVERSITY}").click()
    expect(page.get_by_role("heading", name="Brouillon de facture")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Le brouillon est prêt")
    lines = page.get_by_role("region", name="Lignes du document")
    expect(lines.locator("tbody tr")).to_have_count(3)
    expect(lines).to_contain_text("Filament PLA")
    expect(page.locator(".desk-totals")).to_contain_text("5,5")
    expect(page.locator("dl.profile")).to_contain_text("EJ-2026-0042")
    check_page(page, "compta-brouillon")
    draft = page.url.split("?")[0]
    # Without the confirmation, the server refuses too (not only the browser).
    token = page.locator("form.sign-out input[name=csrf]").get_attribute("value")
    refused = page.request.post(f"{draft}/emettre", form={"csrf": token}, headers={"Origin": BASE}, max_redirects=0)
    assert refused.status == 422 and "Cochez la case" in refused.text(), f"issuing unconfirmed: {refused.status}"

    # Issued, confirming: numbered, final (its PDF printed as it is issued).
    issue_with_keyboard(page)
    heading = page.get_by_role("heading", name=re.compile(r"^Facture F\d{4}-\d{6}$"))
    expect(heading).to_be_visible(timeout=20_000)
    number = heading.inner_text().split(" ")[1]
    expect(page.get_by_role("status")).to_contain_text("numéro est définitif")
    expect(page.locator(".desk-footprint")).to_contain_text("SHA-256")
    assert page.get_by_role("button", name="Émettre le document").count() == 0, "an issued invoice is not issued again"
    check_page(page, "compta-facture")

    # The files of the issued invoice: the PDF as issued, the UBL and CII e-invoices, the printable HTML.
    name, pdf = download(page, lambda: page.get_by_role("link", name="Télécharger le PDF (Factur-X, tel qu’émis)").click(), binary=True)
    assert name == f"{number}.pdf" and pdf.startswith(b"%PDF-"), name
    attached = PdfReader(io.BytesIO(pdf)).attachments
    assert list(attached) == ["factur-x.xml"] and f"<ram:ID>{number}</ram:ID>".encode() in attached["factur-x.xml"][0], list(attached)
    name, cii = download(page, lambda: page.get_by_role("link", name="Télécharger la facture électronique CII (XML)").click())
    assert name == f"{number}-cii.xml" and "<rsm:CrossIndustryInvoice" in cii and f"<ram:ID>{number}</ram:ID>" in cii, name
    name, html = download(page, lambda: page.get_by_role("link", name="Télécharger le document imprimable (HTML)").click())
    assert name == f"{number}.html", name
    assert f"Facture n° {number}" in html and "EJ-2026-0042" in html and "SIRET 19624401600008" in html, html[:500]
    name, xml = download(page, lambda: page.get_by_role("link", name="Télécharger la facture électronique UBL 2.1 (XML, Chorus Pro)").click())
    assert name == f"{number}-ubl.xml", name
    assert xml.startswith("<?xml") and f"<cbc:ID>{number}</cbc:ID>" in xml and "urn:cen.eu:en16931:2017" in xml, xml[:500]
    assert "<cbc:BuyerReference>SERV-MUSEOLAB</cbc:BuyerReference>" in xml

    # A credit note for part of one line: drafted, reviewed, issued.
    page.get_by_label("Motif de l'avoir").fill("Une bobine de filament comptée en trop")
    page.locator(".desk-credit-lines input").first.fill("25,00")
    page.get_by_role("button", name="Préparer le brouillon d'avoir").click()
    expect(page.get_by_role("heading", name="Brouillon d'avoir")).to_be_visible()
    expect(page.locator(".desk-sums .gross")).to_contain_text("30,00")
    expect(page.locator("dl.profile")).to_contain_text(number)
    check_page(page, "compta-avoir-brouillon")
    issue_with_keyboard(page)
    heading = page.get_by_role("heading", name=re.compile(r"^Avoir A\d{4}-\d{6}$"))
    expect(heading).to_be_visible(timeout=20_000)
    credit = heading.inner_text().split(" ")[1]
    check_page(page, "compta-avoir")
    name, xml = download(page, lambda: page.get_by_role("link", name="Télécharger la facture électronique UBL 2.1 (XML, Chorus Pro)").click())
    assert name == f"{credit}-ubl.xml" and "<CreditNote" in xml and f"<cbc:ID>{number}</cbc:ID>" in xml, name

    # The invoices: both documents, and the footprint chain intact.
    desk.get_by_role("link", name="Factures", exact=True).click()
    expect(page.get_by_role("heading", name="Factures et avoirs")).to_be_visible()
    expect(page.locator(".desk-chain")).to_contain_text("intacte")
    expect(page.locator(".desk-chain")).to_contain_text("2 document(s)")
    documents = page.get_by_role("region", name="Factures et avoirs")
    expect(documents).to_contain_text(number)
    expect(documents).to_contain_text(credit)
    check_page(page, "compta-factures")
    # A period that ends before it starts is said at its end.
    page.locator("#du").fill(f"{today.year}-12-31")
    page.locator("#au").fill(f"{today.year}-01-01")
    page.get_by_role("button", name="Préparer le brouillon", exact=True).click()
    expect(page.locator("#au-erreur")).to_be_visible()
    check_page(page, "compta-factures-refus")

    # The exports of the year: the register and the FEC, downloaded from the form.
    desk.get_by_role("link", name="Exports", exact=True).click()
    expect(page.get_by_role("heading", name="Exports comptables")).to_be_visible()
    check_page(page, "compta-exports")
    name, fec = download(page, lambda: page.get_by_role("button", name="Télécharger le FEC du journal des ventes").click())
    assert re.fullmatch(r"\d{9}FEC\d{8}\.txt", name), name
    rows = [row.split("\t") for row in fec.split("\r\n") if row]
    assert rows[0][:3] == ["JournalCode", "JournalLib", "EcritureNum"], rows[0]
    assert all(len(row) == 18 for row in rows), "18 columns on every line"
    assert any(number in row for row in rows) and any(credit in row for row in rows), fec[:800]
    page.goto(f"{BASE}/comptabilite/exports")
    name, register = download(page, lambda: page.get_by_role("button", name="Télécharger le registre des factures (CSV)").click())
    assert name == f"registre-factures-{today.year}-01-01-{today.year}-12-31.csv", name
    assert register.startswith("\ufeff"), "UTF-8 with a byte-order mark"
    table = list(csv.reader(io.StringIO(register.lstrip("\ufeff")), delimiter=";"))
    assert [row[1] for row in table[1:]] == [number, credit], table
    # Dates that do not read: the exports page again, 422, naming the field.
    response = page.goto(f"{BASE}/comptabilite/exports/fec.txt?du=2026-13-45&au={today.year}-12-31")
    assert response.status == 422, f"a wrong date: {response.status}"
    expect(page.locator("#du-erreur")).to_contain_text("« Du »")
    assert page.get_by_label("Du", exact=True).get_attribute("aria-invalid") == "true"
    check_page(page, "compta-exports-refus")

    browser.close()

print("pages checked:", ", ".join(checked))
print("ok")
