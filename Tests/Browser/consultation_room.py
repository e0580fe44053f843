#!/usr/bin/env python3
"""The consultation room in a real browser (issue 17, point 6).

A whole consultation is recorded through the pages in headless Chromium, French first: the
clinician signs in with the keyboard only, starts the session with a typed identity, records
the team, option and decision talks, hands the patient's screen over (what matters and two
questionnaires, SURE and the Control Preferences Scale, answered there), records the decision
and closes. The same consultation is recorded with the command line in another database at
the same ACCORD_NOW, and the two CDA exports (cda-fr) must be byte-identical. axe-core checks
every page (WCAG 2.1 A and AA) at desktop and tablet sizes; screenshots of each go to
BROWSER_SHOTS when it is set.

Run by Scripts/browser-test.sh (and .ci/run). Invented identity, INS test OID.
"""

import os
import pathlib
import sys

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from browser_support import CLINICIAN_ID, CLINICIAN_NAME, PASSWORD, Browser, Site  # noqa: E402

PATIENT = {
    "ins": "261042A00412302",
    "family": "MARTIN-D'ARC",
    "given": "JEANNE MARIE",
    "birth": "1961-04-12",
    "sex": "F",
    "birthplace": "2A004",
}
TOPIC = "Cancer du sein localisé : traitement après la RCP"
CONDITION = "Carcinome canalaire infiltrant du sein gauche"
TEST_OID = "1.2.250.1.213.1.4.10"


def record_with_the_cli(site: Site) -> str:
    """The consultation, command by command, in the order the pages record it."""
    session = site.accord(
        "session", "start", "--patient-ins", PATIENT["ins"], "--ins-oid", TEST_OID,
        "--family-name", PATIENT["family"], "--given-names", PATIENT["given"], "--birth-date", PATIENT["birth"],
        "--sex", PATIENT["sex"], "--birthplace", PATIENT["birthplace"], "--clinician-id", CLINICIAN_ID,
        "--clinician-name", CLINICIAN_NAME, "--topic", TOPIC, "--condition", CONDITION,
    ).stdout.strip()
    steps = [
        ["phase", session, "team"],
        ["participant", "add", session, "--role", "trusted-person", "--name", "Paul Martin-D'Arc"],
        ["phase", session, "option"],
        ["option", "add", session, "--kind", "active-surveillance", "--label", "Surveillance rapprochée",
         "--benefit", "Pas d'effet indésirable d'un traitement", "--harm", "Examens répétés"],
        ["option", "add", session, "--kind", "treatment", "--label", "Tumorectomie puis radiothérapie",
         "--benefit", "Conservation du sein", "--harm", "Fatigue pendant la radiothérapie"],
        ["process", "aid", session, "--name", "Grille d'options du centre"],
        ["preference", "add", session, "--text", "Continuer à travailler pendant le traitement", "--importance", "5"],
        ["instrument", "record", session, "--instrument", "sure", "--answers", "yes,yes,no,yes", "--respondent", "patient"],
        ["instrument", "record", session, "--instrument", "cps-preferred", "--answers", "C", "--respondent", "patient"],
        ["phase", session, "decision"],
        ["process", "understanding", session, "--method", "reformulation"],
        ["decision", "record", session, "--agreed", "2", "--by", "P1", "P2", "P3"],
        ["note", "add", session, "--text", "Souhaite en parler à son médecin traitant.\nRevoir dans un mois."],
        ["session", "close", session],
    ]
    for step in steps:
        site.accord(*step)
    return session


class Room:
    """The pages, driven as a clinician would, one form at a time."""

    def __init__(self, browser: Browser, base: str):
        self.browser = browser
        self.driver = browser.driver
        self.base = base

    def open(self, path: str, check: str | None = None):
        self.driver.get(self.base + path)
        if check:
            self.browser.check_page(check)

    def form(self, action: str):
        return self.driver.find_element(By.CSS_SELECTOR, f'form[action="{action}"]')

    def fill(self, action: str, values: dict, selects: dict | None = None, boxes: list | None = None,
             radios: list | None = None, check: str | None = None):
        form = self.form(action)
        for name, value in values.items():
            field = form.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)
        for name, value in (selects or {}).items():
            Select(form.find_element(By.NAME, name)).select_by_value(value)
        for name in boxes or []:
            form.find_element(By.NAME, name).click()
        for element_id in radios or []:
            form.find_element(By.ID, element_id).click()
        if check:
            self.browser.check_page(check)
        self.submit(self.form(action))
        alerts = self.driver.find_elements(By.CSS_SELECTOR, '[role="alert"]')
        if alerts:
            raise AssertionError(f"{action} was refused: {alerts[0].text}")

    def submit(self, form):
        """Clicks the form's button and waits for the next page (the form's page goes stale)."""
        form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()

        def gone(_driver) -> bool:
            try:
                form.is_enabled()
                return False
            except WebDriverException:  # stale, or chromedriver's "node does not belong" mid-navigation
                return True

        WebDriverWait(self.driver, 20).until(gone)
        WebDriverWait(self.driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def sign_in_with_the_keyboard(self):
        """Sign in without the mouse: Tab to each field, type, Enter."""
        self.open("/", check="connexion")
        assert self.driver.current_url.endswith("/connexion"), self.driver.current_url
        body = self.driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)  # the skip link
        active = self.driver.switch_to.active_element
        for _ in range(6):
            if active.get_attribute("name") == "id":
                break
            active.send_keys(Keys.TAB)
            active = self.driver.switch_to.active_element
        assert active.get_attribute("name") == "id", "the identifier field cannot be reached with Tab"
        active.send_keys(CLINICIAN_ID)
        active.send_keys(Keys.TAB)
        active = self.driver.switch_to.active_element
        assert active.get_attribute("name") == "password", "Tab does not lead from the identifier to the password"
        active.send_keys(PASSWORD)
        active.send_keys(Keys.ENTER)
        WebDriverWait(self.driver, 20).until(expected_conditions.url_contains("/sessions"))
        assert self.driver.current_url.endswith("/sessions"), self.driver.current_url
        assert "Consultations du jour" in self.driver.page_source
        self.browser.check_page("consultations-du-jour")

    def record(self) -> str:
        self.open("/patients?ins=" + PATIENT["ins"], check="recherche-patient")
        self.open("/sessions/nouvelle")
        self.fill(
            "/sessions/nouvelle",
            {"ins": PATIENT["ins"], "nom": PATIENT["family"], "prenoms": PATIENT["given"], "naissance": PATIENT["birth"],
             "lieuNaissance": PATIENT["birthplace"], "theme": TOPIC, "diagnostic": CONDITION},
            selects={"oidIns": TEST_OID, "sexe": PATIENT["sex"]},
            check="nouvelle-consultation",
        )
        url = self.driver.current_url
        if "/sessions/S" not in url:
            # Warnings about the identity are shown first, with a link to the session.
            self.browser.check_page("avertissements-demarrage")
            self.driver.find_element(By.CSS_SELECTOR, 'a[href^="/sessions/S"]').click()
            url = self.driver.current_url
        session = url.split("/sessions/")[1].split("#")[0].split("?")[0]
        page = f"/sessions/{session}"
        self.browser.check_page("consultation-vide")
        self.phase(page, "team")
        self.fill(f"{page}/participants", {"name": "Paul Martin-D'Arc"}, selects={"role": "trusted-person"})
        self.phase(page, "option")
        self.fill(f"{page}/options", {"label": "Surveillance rapprochée", "benefits": "Pas d'effet indésirable d'un traitement",
                                      "harms": "Examens répétés"}, selects={"kind": "active-surveillance"})
        self.fill(f"{page}/options", {"label": "Tumorectomie puis radiothérapie", "benefits": "Conservation du sein",
                                      "harms": "Fatigue pendant la radiothérapie"}, selects={"kind": "treatment"})
        self.fill(f"{page}/aides", {"name": "Grille d'options du centre"})
        self.patient_screen(page)
        self.phase(page, "decision")
        self.fill(f"{page}/comprehension", {"method": "reformulation"})
        self.browser.check_page("consultation-en-cours")
        self.fill(f"{page}/decision", {}, selects={"agreed": "2"}, boxes=["by-P1", "by-P2", "by-P3"],
                  radios=["decision-agreed"])
        self.fill(f"{page}/notes", {"text": "Souhaite en parler à son médecin traitant.\nRevoir dans un mois."})
        self.fill(f"{page}/cloture", {})
        self.browser.check_page("consultation-close")
        self.open(f"{page}/historique", check="historique")
        return session

    def phase(self, page: str, phase: str):
        form = self.driver.find_element(
            By.XPATH, f'//form[@action="{page}/phases"][.//input[@name="phase" and @value="{phase}"]]')
        self.submit(form)

    def patient_screen(self, page: str):
        self.submit(self.form(f"{page}/ecran-patient"))
        self.browser.check_page("remise-ecran-patient")
        link = self.driver.find_element(By.CSS_SELECTOR, 'a[href^="/patient/"]').get_attribute("href")
        self.driver.get(link)
        assert self.driver.current_url.endswith("/patient/options"), self.driver.current_url
        assert "Surveillance rapprochée" in self.driver.page_source
        self.browser.check_page("patient-options")
        self.open("/patient/ce-qui-compte")
        self.fill("/patient/ce-qui-compte", {"text": "Continuer à travailler pendant le traitement"},
                  selects={"importance": "5"}, check="patient-ce-qui-compte")
        self.open("/patient/questionnaires/sure", check="patient-questionnaire-sure")
        self.fill("/patient/questionnaires/sure", {}, radios=["item1-yes", "item2-yes", "item3-no", "item4-yes"])
        self.open("/patient/questionnaires/cps-preferred")
        self.fill("/patient/questionnaires/cps-preferred", {}, radios=["item1-C"], check="patient-questionnaire-cps")
        self.open("/patient/resume", check="patient-resume")
        # The patient's screen reaches nothing else: the clinician's pages ask for a sign-in
        # in a browser that holds only the patient's cookie.
        clinician_cookie = self.driver.get_cookie("accord_session")
        self.driver.delete_cookie("accord_session")
        self.driver.get(self.base + page)
        assert self.driver.current_url.endswith("/connexion"), "the patient's screen reached a clinician's page"
        self.driver.add_cookie({k: clinician_cookie[k] for k in ("name", "value", "path")})
        self.driver.get(self.base + page)


def main():
    shots = os.environ.get("BROWSER_SHOTS")
    reference = Site("cli")
    web = Site("web")
    browser = None
    try:
        cli_session = record_with_the_cli(reference)
        reference.accord("export", cli_session, "--profile", "cda-fr", "--out", str(reference.folder / "out"))
        base = web.serve(int(os.environ.get("BROWSER_TEST_PORT", "18088")))
        browser = Browser(pathlib.Path(shots) if shots else None)
        room = Room(browser, base)
        room.sign_in_with_the_keyboard()
        web_session = room.record()
        assert web_session == cli_session, f"{web_session} != {cli_session}"
        web.accord("export", web_session, "--profile", "cda-fr", "--out", str(web.folder / "out"))
        cli_files = sorted((reference.folder / "out").glob("*.xml"))
        web_files = sorted((web.folder / "out").glob("*.xml"))
        assert [f.name for f in cli_files] == [f.name for f in web_files], (cli_files, web_files)
        for cli_file, web_file in zip(cli_files, web_files):
            if cli_file.read_bytes() != web_file.read_bytes():
                import difflib
                diff = difflib.unified_diff(cli_file.read_text().splitlines(), web_file.read_text().splitlines(),
                                            "cli", "web", lineterm="", n=1)
                raise AssertionError(f"{cli_file.name} differs:\n" + "\n".join(list(diff)[:60]))
        print(f"browser test: {web_session} recorded through the pages exports the same CDA bytes as with the CLI "
              f"({', '.join(f.name for f in web_files)})")
        print(f"axe-core: {len(browser.checked)} pages checked at desktop and tablet sizes")
        if browser.violations:
            raise AssertionError("accessibility violations:\n" + "\n".join(browser.violations))
        print("axe-core: no WCAG 2.1 A/AA violation")
    finally:
        if browser is not None:
            browser.quit()
        web.close()
        reference.close()


if __name__ == "__main__":
    main()
