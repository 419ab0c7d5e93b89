"""What every browser flow of the tests checks on each page, and how it finds a sign-in link.

check_page: axe-core (no serious or critical violation of WCAG 2.1 AA), lang="fr", then
screenshots at desktop width and at 390 px without horizontal scrolling.
"""
import pathlib
import re
import time

from axe_playwright_python.sync_playwright import Axe

axe = Axe()
checked = []


def check_page(page, name, shots):
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: axe violations {[(v['id'], v['impact'], [n['target'] for n in v['nodes']]) for v in bad]}"
    assert page.locator("html").get_attribute("lang") == "fr", f"{name}: not lang=fr"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{shots}/{name}-desktop.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{name}: {width} px wide at 390 px"
    page.screenshot(path=f"{shots}/{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    checked.append(name)


def next_link(mails, seen):
    """The sign-in link of the first e-mail in the folder `mails` after the `seen` first ones."""
    deadline = time.time() + 30
    while time.time() < deadline:
        files = sorted(pathlib.Path(mails).glob("*.txt"), key=lambda p: int(p.stem))
        if len(files) > seen:
            match = re.search(r"(https?://\S+/connexion/lien\?jeton=\S+)", files[seen].read_text())
            assert match, "the e-mail holds no sign-in link"
            return match.group(1), seen + 1
        time.sleep(0.2)
    raise AssertionError("no sign-in e-mail arrived")
