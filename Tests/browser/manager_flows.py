"""The manager's console in a real browser (Debian's chromium through Playwright).

Run by Tests/MuseoLabTests/Web/ManagerBrowserTests.swift:

    manager_flows.py NOW LATER SCREENSHOTS LINK_MANAGER LINK_ADMIN LINK_MANAGER_LATER SESSION ROOM_A ROOM_B ANNEX BOOKED_DAY

NOW and LATER are two servers on one seeded database: LATER's clock is just after SESSION has
ended. The links sign the manager and the administrator in. ROOM_A and ROOM_B are two pending
requests for the same room at the same hour. ANNEX is the 2026 annex file; on BOOKED_DAY the
3D printer n° 12548 is booked from 14:00 to 16:00.

Each check raises on failure; the last line printed is "ok" when every flow passed. Every page
is checked with axe-core (no serious or critical violation), and screenshotted at desktop width
and at 390 px (no horizontal scrolling).
"""
import csv
import datetime
import io
import re
import sys

from playwright.sync_api import expect, sync_playwright

import page_checks
from page_checks import checked

NOW, LATER, SHOTS, LINK_MANAGER, LINK_ADMIN, LINK_LATER, SESSION, ROOM_A, ROOM_B, ANNEX, BOOKED_DAY = sys.argv[1:12]


def check_page(page, name):
    page_checks.check_page(page, name, SHOTS)


def sign_in(page, link, base):
    page.goto(link)
    page.get_by_role("button", name="Me connecter").click()
    expect(page).to_have_url(f"{base}/machines")


def hours(text):
    """`151 h 45` → minutes."""
    match = re.match(r"(\d+)\s*h(?:\s*(\d+))?", text.replace("\u00a0", " ").replace("\u202f", " "))
    assert match, f"not hours: {text!r}"
    return int(match.group(1)) * 60 + int(match.group(2) or 0)


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    manager = browser.new_context(locale="fr-FR", accept_downloads=True)
    page = manager.new_page()
    sign_in(page, LINK_MANAGER, NOW)

    # The console's menu leads to the planner; the request waits first, in its lanes too.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Planning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning de la semaine du")
    waiting = page.locator(".pending li", has_text=SESSION)
    expect(waiting).to_be_visible()
    check_page(page, "planner-week")
    # Its week, a page or two ahead: in the staff member's lane and in the machine's.
    for _ in range(3):
        if page.locator("table.planner .block", has_text=SESSION).count():
            break
        page.get_by_role("link", name="Suivant →").click()
    expect(page.locator("table.planner .block", has_text=SESSION)).to_have_count(2)
    waiting = page.locator(".pending li", has_text=SESSION)

    # Confirmed from the planner, with the keyboard.
    waiting.get_by_role("button", name=f"Confirmer {SESSION}", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("La séance est confirmée")
    expect(page.locator(".profile")).to_contain_text("Confirmée")
    check_page(page, "console-session")

    # The day of the session, on its timeline: the session is in two lanes, confirmed.
    page.get_by_role("link", name="Retour au planning").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Planning du")
    blocks = page.locator(".timeline .block", has_text=SESSION)
    expect(blocks).to_have_count(2)
    expect(blocks.first).to_have_class(re.compile(r"\bconfirmed\b"))
    expect(page.locator(".pending li", has_text=SESSION)).to_have_count(0)
    check_page(page, "planner-day")

    # Booked on a member's behalf (a phone call): the session is the member's, waiting for confirmation.
    page.get_by_role("link", name="Réserver pour un membre").click()
    check_page(page, "on-behalf")
    page.get_by_label("Pour").select_option(label="bruno (bruno@univ-artois.fr)")
    page.get_by_label("Jour").fill(BOOKED_DAY)
    page.get_by_label("Début").fill("10:00")
    page.get_by_label("Fin").fill("11:00")
    page.get_by_label("Objet").fill("Réservé par téléphone")
    page.get_by_role("button", name="Réserver pour ce membre").click()
    expect(page.get_by_role("status")).to_contain_text("La séance est réservée pour le membre")
    expect(page.locator(".profile")).to_contain_text("bruno@univ-artois.fr")
    expect(page.locator(".profile")).to_contain_text("Demandée")

    # Two managers accept the two overlapping room requests at once: one succeeds, one is told why not.
    admin = browser.new_context(locale="fr-FR")
    other = admin.new_page()
    sign_in(other, LINK_ADMIN, NOW)
    for p in (page, other):
        p.goto(f"{NOW}/gestion/salles")
    expect(page.locator(f"[id='{ROOM_A}'] .conflict")).to_contain_text(ROOM_B)
    expect(page.locator(f"[id='{ROOM_A}']")).to_contain_text("Gratuités de la convention")
    check_page(page, "room-requests")
    page.locator(f"[id='{ROOM_A}']").get_by_role("button", name=f"Accepter {ROOM_A}", exact=True).click(no_wait_after=True)
    other.locator(f"[id='{ROOM_B}']").get_by_role("button", name=f"Accepter {ROOM_B}", exact=True).click(no_wait_after=True)
    for p in (page, other):
        expect(p.locator("h1")).to_have_text("Demandes de salles")
        p.wait_for_load_state()
    outcomes = []
    for p in (page, other):
        expect(p.locator("[role=status], [role=alert]").first).to_be_visible()
        outcomes.append("accepted" if p.get_by_role("status").count() and "acceptée" in p.get_by_role("status").inner_text() else "refused")
    assert sorted(outcomes) == ["accepted", "refused"], f"outcomes: {outcomes}"
    refused = page if outcomes[0] == "refused" else other
    expect(refused.get_by_role("alert")).to_contain_text("La salle est déjà réservée sur ce créneau")

    # Later, once the session is over: completed with its real end, prefilled with the plan.
    sign_in(page, LINK_LATER, LATER)
    page.goto(f"{LATER}/gestion/seances/{SESSION}")
    expect(page.get_by_label("Début réel")).to_have_value("10:00")
    expect(page.get_by_label("Fin réelle")).to_have_value("12:00")
    page.get_by_label("Fin réelle").fill("11:45")
    page.get_by_role("button", name="Terminer la séance").click()
    expect(page.get_by_role("status")).to_contain_text("La séance est terminée")
    expect(page.locator(".profile")).to_contain_text("11 h 45")

    # The quota page shows it: 150 h recorded before, and 1 h 45 now; the chart agrees with the figures.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Quota", exact=True).click()
    consumed_text = page.locator(".figures div", has_text="Consommé").first.locator("dd").inner_text()
    consumed = hours(consumed_text)
    assert consumed == 150 * 60 + 105, f"consumed: {consumed_text}"
    quota = hours(page.locator(".figures div", has_text="Quota de l'année").locator("dd").inner_text())
    chart = page.locator("svg#burn-down")
    expect(chart.locator("desc")).to_contain_text("151 h 45 consommées")
    last = chart.locator("polyline.consumed").get_attribute("points").split()[-1]
    consumed_y = int(last.split(",")[1])
    quota_y = int(chart.locator("line.threshold.quota").get_attribute("y1"))
    bottom = int(chart.locator("rect.plot").get_attribute("y")) + int(chart.locator("rect.plot").get_attribute("height"))
    drawn = (bottom - consumed_y) / (bottom - quota_y)
    assert abs(drawn - consumed / quota) < 0.01, f"the chart draws {drawn:.3f} of the quota, the figures say {consumed / quota:.3f}"
    expect(chart.locator("line.today")).to_have_count(1)
    expect(chart.locator("text.threshold-label")).to_contain_text(["75 %", "90 %", "100 %"])
    check_page(page, "quota")

    # The usage report, by machine, downloaded as CSV.
    page.get_by_label("Regrouper par").select_option("machine")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name="Utilisation par machine")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le rapport (CSV)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["machine", "libellé", "heures consommées"], rows[0]
    assert any(row[2] == "1,75" for row in rows[1:]), rows

    # A new year's annex, uploaded: the preview names every line and its warnings, and applies nothing.
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Inventaire", exact=True).click()
    check_page(page, "inventory")
    page.get_by_label("Fichier de l'annexe (TSV)").set_input_files(ANNEX)
    page.get_by_label("Année de l'annexe").fill("2027")
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l’import de l’annexe 2027")
    expect(page.get_by_role("status")).to_contain_text("rien n'est encore changé")
    repeated = page.locator("tr.repeated", has_text="Numéro d'inventaire répété")
    expect(repeated).to_have_count(1)
    expect(repeated).to_contain_text("réalité virtuelle")
    expect(page.locator("tr", has_text="Plusieurs unités (*N)").first).to_be_visible()
    assert page.locator("tr", has_text="Plusieurs unités (*N)").count() >= 2, "each unit of a *N row is shown"
    check_page(page, "annex-preview")
    page.get_by_role("link", name="Annuler et revenir à l'inventaire").click()

    # An authorisation granted, then revoked.
    nav.get_by_role("link", name="Habilitations", exact=True).click()
    page.get_by_label("Personne").select_option(label="ana (ana@univ-artois.fr)")
    page.get_by_label("Machine ou catégorie").select_option(label="Catégorie laser-cutter")
    page.get_by_label("Valable jusqu'au (facultatif)").fill("2027-06-30")
    page.get_by_role("button", name="Accorder").click()
    expect(page.get_by_role("status")).to_contain_text("L'habilitation est accordée")
    held = page.locator(".bookings li", has_text="Catégorie laser-cutter")
    expect(held).to_contain_text("mercredi 30 juin 2027")
    check_page(page, "authorisations")
    held.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_role("status")).to_contain_text("L'habilitation est révoquée")
    expect(page.locator(".bookings li", has_text="Catégorie laser-cutter")).to_have_count(0)

    # Maintenance over a booking: refused, unless the sessions in the way are cancelled.
    nav.get_by_role("link", name="Calendrier", exact=True).click()
    check_page(page, "calendar")
    def plan_maintenance():
        page.get_by_label("Machine", exact=True).select_option(label="Imprimante 3D n° 12548")
        page.locator("#maintenance-jour").fill(BOOKED_DAY)
        page.locator("#maintenance-debut").fill("13:00")
        page.locator("#maintenance-fin").fill("17:00")
        page.get_by_label("Motif", exact=True).fill("changement de buse")
    plan_maintenance()
    page.get_by_role("button", name="Planifier la maintenance").click()
    expect(page.get_by_role("alert")).to_contain_text("La machine est réservée sur ce créneau")
    plan_maintenance()
    page.get_by_label("Annuler les séances en conflit (leurs demandeurs sont prévenus)").check()
    page.get_by_role("button", name="Planifier la maintenance").click()
    expect(page.get_by_role("status")).to_contain_text("La maintenance est planifiée")
    expect(page.locator("section", has=page.get_by_role("heading", name="Maintenances (90 prochains jours)"))).to_contain_text("changement de buse")

    # Last (after the quota's figures): yesterday's walk-in, recorded afterwards from the booking form's link: completed at once.
    page.goto(f"{NOW}/gestion/reserver")
    page.get_by_role("link", name="Enregistrer après coup une séance passée").click()
    check_page(page, "recorded-afterwards")
    page.get_by_label("Pour").select_option(label="bruno (bruno@univ-artois.fr)")
    page.get_by_label("Jour").fill((datetime.date.today() - datetime.timedelta(days=1)).isoformat())
    page.get_by_label("Début").fill("10:00")
    page.get_by_label("Fin").fill("11:00")
    page.get_by_label("Encadrement").select_option(index=1)
    page.get_by_label("Objet").fill("Passage sans rendez-vous")
    page.get_by_role("button", name="Enregistrer la séance terminée").click()
    expect(page.get_by_role("status")).to_contain_text("La séance passée est enregistrée comme terminée")
    expect(page.locator(".profile")).to_contain_text("Effectuée")

    browser.close()

print("checked pages:", ", ".join(checked))
print("ok")
