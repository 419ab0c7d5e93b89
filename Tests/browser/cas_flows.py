"""Signing in with the university's CAS, in a real browser against a real CAS server.

Run by Tests/MuseoLabTests/Web/CASBrowserTests.swift, which serves a seeded database with CAS on
and starts cas_test_server.py.

    cas_flows.py BASE_URL USER PASSWORD DISPLAY_NAME SCREENSHOTS

The first sign-in creates the member; a ticket serves once; a forged one is refused.
"""
import sys

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright

BASE, USER, PASSWORD, DISPLAY_NAME, SHOTS = sys.argv[1:6]

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_context(locale="fr-FR").new_page()
    returns = []
    page.on("request", lambda request: returns.append(request.url) if "/connexion/cas/retour?ticket=" in request.url else None)

    page.goto(f"{BASE}/connexion")
    bad = [v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe: {[v['id'] for v in bad]}"
    page.screenshot(path=f"{SHOTS}/connexion-cas-desktop.png", full_page=True)
    page.get_by_role("link", name="Se connecter avec son compte de l'Université d'Artois").click()
    # The CAS server's own login page.
    page.locator("#id_username").fill(USER)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{BASE}/machines")
    page.goto(f"{BASE}/compte")
    expect(page.locator(".profile")).to_contain_text(DISPLAY_NAME)
    expect(page.locator(".profile")).to_contain_text("Université d'Artois")
    assert len(returns) == 1, returns

    # Signed out, the same ticket does not sign in again.
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{BASE}/connexion")
    answer = page.goto(returns[0])
    assert answer.status == 401, answer.status
    expect(page.get_by_role("alert")).to_contain_text("n'a pas abouti")

    # A ticket the CAS server never issued.
    answer = page.goto(f"{BASE}/connexion/cas/retour?ticket=ST-forged")
    assert answer.status == 401, answer.status

    # Signing in again finds the account created the first time.
    page.goto(f"{BASE}/connexion/cas")
    if page.locator("#id_username").count() > 0:  # the CAS session may have ended with ours
        page.locator("#id_username").fill(USER)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{BASE}/machines")
    browser.close()

print("ok")
