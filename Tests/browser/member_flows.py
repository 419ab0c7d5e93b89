"""The member's side of the web pages in a real browser (Debian's chromium through Playwright).

Run by Tests/MuseoLabTests/Web/BrowserTests.swift, which serves a seeded database, delivers the
outbox to a real SMTP sink and writes each e-mail it receives to MAILS as N.txt.

    member_flows.py BASE_URL MAILS SCREENSHOTS EMAIL OTHER_BOOKING OTHER_SERVER_URL

OTHER_SERVER_URL is a second server on the same database: a session opened on one is open on
the other, and signing out on one ends it on both.

Each check raises on failure; the last line printed is "ok" when every flow passed. Every page
is checked with axe-core (no serious or critical violation), and screenshotted at desktop width
and at 390 px (no horizontal scrolling).
"""
import datetime
import re
import sys

from playwright.sync_api import expect, sync_playwright

import page_checks
from page_checks import checked

BASE, MAILS, SHOTS, EMAIL, OTHER_BOOKING, OTHER = sys.argv[1:7]


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


with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()

    # Anonymous: every page leads to the sign-in page, reachable with the keyboard.
    page.goto(f"{BASE}/machines")
    expect(page).to_have_url(f"{BASE}/connexion")
    check_page(page, "connexion")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu", "the skip link comes first"

    # A wrong address is said at the field, and announced.
    page.get_by_label("Adresse électronique").fill("ana")
    page.get_by_label("Adresse électronique").press("Enter")
    error = page.locator("#email-erreur")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("role", "alert")
    assert page.get_by_label("Adresse électronique").get_attribute("aria-invalid") == "true"
    check_page(page, "connexion-erreur")

    # The link from the e-mail signs in, once.
    seen = 0
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_role("button", name="Recevoir mon lien de connexion").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    check_page(page, "lien-envoye")
    link, seen = page_checks.next_link(MAILS, seen)
    page.goto(link)
    check_page(page, "lien")
    page.get_by_role("button", name="Me connecter").click()
    expect(page).to_have_url(f"{BASE}/machines")
    expect(page.get_by_role("heading", name="Machines", exact=True)).to_be_visible()
    assert page.locator(".card").count() > 20, "the inventory is listed"
    expect(page.get_by_text("requise, vous ne l'avez pas encore").first).to_be_visible()
    check_page(page, "machines")

    # My bookings: the session booked for the member, and its page.
    page.get_by_role("link", name="Mes réservations", exact=True).click()
    expect(page.get_by_role("heading", name="Mes réservations")).to_be_visible()
    booking = page.locator(".booking a.reference").first
    expect(booking).to_be_visible()
    check_page(page, "mes-reservations")
    booking.click()
    expect(page.get_by_role("heading", name=re.compile(r"Réservation S-\d{6}"))).to_be_visible()
    check_page(page, "reservation")

    # Booking: a week of free slots for a machine; pick one, say why and how many.
    def open_week_with_slots(tab):
        for _ in range(3):
            if tab.locator("input[name=creneau]").count() > 0:
                return
            tab.get_by_role("link", name="Semaine suivante").click()
        raise AssertionError("no free slot in three weeks")

    page.get_by_role("link", name="Réserver", exact=True).click()
    expect(page.get_by_role("heading", name="Réserver une séance")).to_be_visible()
    # A machine that needs no training.
    machine = page.locator("#machine option:not(:has-text('formation requise'))").nth(1)
    machine_label = machine.inner_text().split(" – ")[0]
    page.get_by_label("Machine").select_option(machine.get_attribute("value"))
    page.get_by_label("Durée").select_option("60")
    page.get_by_role("button", name="Voir les créneaux libres").click()
    open_week_with_slots(page)
    expect(page.get_by_role("heading", name=re.compile("Quota d'accompagnement"))).to_be_visible()
    check_page(page, "reserver")
    rival = context.new_page()  # the same member, in a second tab, about to want the same slot
    rival.goto(page.url)
    slot = page.locator("input[name=creneau]").first
    slot_value = slot.get_attribute("value")
    slot.check()
    page.get_by_label("Objet de la séance").fill("Découverte de la découpe laser")
    page.get_by_label("Nombre de participants").fill("2")
    page.get_by_role("button", name="Demander cette séance").click()
    expect(page.get_by_role("heading", name=re.compile(r"Réservation S-\d{6}"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Votre demande est enregistrée")
    booked = page.url
    expect(page.locator(".profile")).to_contain_text(machine_label)
    check_page(page, "reservation-demandee")

    # The same slot from the second tab: someone was faster; the reason is said at the slots.
    rival.locator(f"input[name=creneau][value='{slot_value}']").check()
    rival.get_by_label("Objet de la séance").fill("Autre projet")
    rival.get_by_role("button", name="Demander cette séance").click()
    expect(rival.locator("#creneau-erreur")).to_contain_text("n'est plus libre")
    check_page(rival, "reserver-refuse")

    # A machine that needs a training the member lacks: refused at the machine.
    rival.goto(f"{BASE}/reserver")
    trained = rival.locator("#machine option", has_text="formation requise").first
    rival.get_by_label("Machine").select_option(trained.get_attribute("value"))
    rival.get_by_role("button", name="Voir les créneaux libres").click()
    open_week_with_slots(rival)
    rival.locator("input[name=creneau]").last.check()
    rival.get_by_label("Objet de la séance").fill("Gravure")
    rival.get_by_role("button", name="Demander cette séance").click()
    expect(rival.locator("#machine-erreur")).to_contain_text("formation")
    assert rival.get_by_label("Machine").get_attribute("aria-invalid") == "true"
    rival.close()

    # A series: the same hour three weeks running, answered occurrence by occurrence; then
    # "this one and the following" cancelled in one action.
    page.get_by_role("link", name="Réserver", exact=True).click()
    page.get_by_label("Machine").select_option(machine.get_attribute("value"))
    page.get_by_label("Durée").select_option("60")
    page.get_by_role("button", name="Voir les créneaux libres").click()
    open_week_with_slots(page)
    page.locator("input[name=creneau]").last.check()
    page.get_by_label("Objet de la séance").fill("Cours hebdomadaire")
    page.get_by_label("Répéter", exact=True).select_option("1")
    page.get_by_label("Nombre de séances").fill("3")
    page.get_by_role("button", name="Demander cette séance").click()
    expect(page.get_by_role("heading", name="Série de séances")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Votre série est enregistrée")
    expect(page.locator("main")).to_contain_text("Chaque semaine, 3 séances demandées")
    check_page(page, "serie")
    page.get_by_label("À partir de la séance").select_option(index=0)
    page.get_by_label("Motif de l'annulation").fill("Cours reporté")
    page.get_by_role("button", name="Annuler ces séances").click()
    expect(page.get_by_role("status")).to_contain_text("Les séances choisies sont annulées")
    assert page.locator(".status.cancelled").count() >= 1

    # In my bookings; then cancelled with a reason, and its history says so.
    page.get_by_role("link", name="Mes réservations", exact=True).click()
    expect(page.get_by_text("Découverte de la découpe laser")).to_be_visible()
    expect(page.locator(".booking", has_text="Découverte de la découpe laser")).to_contain_text(machine_label)
    page.goto(booked)
    page.get_by_label("Motif de l'annulation").fill("Empêchement")
    page.get_by_role("button", name="Annuler la séance").click()
    expect(page.get_by_role("status")).to_contain_text("La séance est annulée")
    expect(page.locator(".history")).to_contain_text("Annulée")
    expect(page.locator(".history")).to_contain_text("Empêchement")

    # A room: requested, then followed in the list of requests.
    page.get_by_role("link", name="Salles", exact=True).click()
    expect(page.get_by_role("heading", name="Salles", exact=True)).to_be_visible()
    check_page(page, "salles")
    day = datetime.date.today() + datetime.timedelta(days=14)
    page.get_by_label("Jour").fill(day.isoformat())
    page.get_by_label("De", exact=True).fill("14:00")
    page.get_by_label("À", exact=True).fill("16:00")
    page.get_by_label("Nombre de personnes").fill("100000")
    page.get_by_label("Objet").fill("Atelier de médiation")
    page.get_by_role("button", name="Demander la salle").click()
    expect(page.locator("#personnes-erreur")).to_be_visible()
    check_page(page, "salles-refuse")
    page.get_by_label("Nombre de personnes").fill("12")
    page.get_by_role("button", name="Demander la salle").click()
    expect(page.get_by_role("status")).to_contain_text("demande de salle est enregistrée")
    expect(page.locator(".bookings")).to_contain_text("Demandée, en attente de réponse")

    # My calendar: the private address, shown once, works until revoked.
    page.get_by_role("link", name="Mon agenda", exact=True).click()
    page.get_by_role("button", name="Créer l'adresse de mon agenda").click()
    feed = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"http://\S+/calendar/feeds/mlcal_[A-Za-z0-9_-]{43}\.ics", feed), feed
    check_page(page, "mon-agenda")
    answer = page.request.get(feed)
    assert answer.status == 200 and "BEGIN:VCALENDAR" in answer.text(), answer.status
    page.goto(f"{BASE}/mon-agenda")
    assert page.locator("code.secret").count() == 0, "the address is shown once"
    page.get_by_role("button", name="Révoquer l'adresse de mon agenda").click()
    expect(page.get_by_role("status")).to_contain_text("révoquée")
    assert page.request.get(feed).status == 404

    # Notifications.
    page.get_by_role("link", name="Notifications", exact=True).click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    check_page(page, "notifications")

    # An API token, created on the account page, works for the API until revoked.
    page.get_by_role("link", name="Mon compte", exact=True).click()
    page.get_by_label("Nom du nouveau jeton").fill("Mon script")
    page.get_by_role("button", name="Créer un jeton").click()
    token = page.locator("code.secret").inner_text()
    assert re.fullmatch(r"mlab_[A-Za-z0-9_-]{43}", token), token
    check_page(page, "compte-jeton")
    api = playwright.request.new_context()
    assert api.get(f"{BASE}/v1/machines", headers={"Authorization": f"Bearer {token}"}).status == 200
    page.goto(f"{BASE}/compte")
    page.get_by_role("button", name="Révoquer le jeton « Mon script »").click()
    expect(page.get_by_role("status")).to_contain_text("révoqué")
    assert api.get(f"{BASE}/v1/machines", headers={"Authorization": f"Bearer {token}"}).status == 401
    api.dispose()

    # Another member's booking: 404, as for an address that does not exist.
    response = page.goto(f"{BASE}/reservations/{OTHER_BOOKING}")
    assert response.status == 404, f"another member's booking: {response.status}"
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    check_page(page, "introuvable")

    # A used link is refused, saying why.
    fresh = browser.new_context(locale="fr-FR")
    reuse = fresh.new_page()
    reuse.goto(link)
    reuse.get_by_role("button", name="Me connecter").click()
    expect(reuse.get_by_role("alert")).to_contain_text("déjà servi")
    fresh.close()

    # A form posted without its CSRF token, or from another origin, is refused.
    refused = page.request.post(f"{BASE}/deconnexion", form={"csrf": "mlcsrf_forged"}, max_redirects=0)
    assert refused.status == 403, f"without the token: {refused.status}"
    token = page.locator("form.sign-out input[name=csrf]").first.get_attribute("value")
    refused = page.request.post(f"{BASE}/deconnexion", form={"csrf": token}, headers={"Origin": "http://evil.example"}, max_redirects=0)
    assert refused.status == 403, f"from another origin: {refused.status}"
    page.goto(f"{BASE}/compte")
    expect(page.get_by_role("heading", name="Mon compte")).to_be_visible()
    check_page(page, "compte")

    # The session is the database's: the other server process knows it too.
    page.goto(f"{OTHER}/machines")
    expect(page).to_have_url(f"{OTHER}/machines")

    # Signed in on a second device; signing out everywhere ends both, on both servers.
    phone = browser.new_context(locale="fr-FR")
    second = phone.new_page()
    _, seen = sign_in(second, seen)
    page.goto(f"{BASE}/compte")
    expect(page.get_by_text("connecté sur 2 appareil(s)")).to_be_visible()
    page.get_by_role("button", name="Me déconnecter partout").click()
    expect(page).to_have_url(f"{BASE}/connexion")
    for base in (BASE, OTHER):
        second.goto(f"{base}/machines")
        expect(second).to_have_url(f"{base}/connexion")
    page.goto(f"{OTHER}/machines")
    expect(page).to_have_url(f"{OTHER}/connexion")
    phone.close()

    # Signing in again, then out: the session is over.
    _, seen = sign_in(page, seen)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{BASE}/connexion")
    page.goto(f"{BASE}/mes-reservations")
    expect(page).to_have_url(f"{BASE}/connexion")

    browser.close()

print("pages checked:", ", ".join(checked))
print("ok")
