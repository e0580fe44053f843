"""What the browser tests share: the accord binary, a scratch database, the server, a
headless Chromium driven by Selenium, the axe-core accessibility check, screenshots.

Nothing here holds real patient data: the identities are invented, under the INS test OID.
"""

import importlib.util
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = pathlib.Path(__file__).resolve().parents[2]
ACCORD = pathlib.Path(os.environ.get("ACCORD_BINARY", ROOT / ".build" / "debug" / "accord"))
NOW = "2026-03-02T09:30:00Z"
CLINICIAN_ID = "810123456781"
CLINICIAN_NAME = "Dr Hélène Roussel"
PASSWORD = "correct horse battery staple"
DESKTOP = (1280, 900)
TABLET = (768, 1024)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_script() -> str:
    """axe-core's script. axe-selenium-python carries axe-core 3.1, which predates the WCAG 2.1
    rules; the newer axe-core (4.x) shipped inside the PyPI package axe-playwright-python is
    used when installed (only its script file is read: Playwright is not needed)."""
    for package in ("axe_playwright_python", "axe_selenium_python"):
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        folder = pathlib.Path(spec.origin).parent
        for candidate in sorted(folder.rglob("axe.min.js")):
            return candidate.read_text(encoding="utf-8")
    raise SystemExit("axe-core not found: pip install axe-selenium-python axe-playwright-python --no-deps")


class Site:
    """A scratch folder with its database and key, and the commands run on it."""

    def __init__(self, name: str):
        self.folder = pathlib.Path(tempfile.mkdtemp(prefix=f"accord-browser-{name}-"))
        self.env = dict(os.environ)
        self.env.update(
            {
                "ACCORD_NOW": NOW,
                "ACCORD_DB": str(self.folder / "accord.sqlite"),
                "ACCORD_KEY_FILE": str(self.folder / "chain.key"),
                "ACCORD_TEMPLATES": str(ROOT / "Templates"),
            }
        )
        self.env.pop("ACCORD_LANG", None)
        self.env.pop("ACCORD_AUTHOR", None)
        self.server = None

    def accord(self, *arguments: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(ACCORD), *arguments], env=self.env, input=stdin, capture_output=True, text=True, cwd=self.folder
        )
        if check and result.returncode != 0:
            raise AssertionError(f"accord {arguments[0]} exited {result.returncode}: {result.stderr}")
        return result

    def serve(self, port: int) -> str:
        self.accord("user", "add", "--id", CLINICIAN_ID, "--name", CLINICIAN_NAME, "--password-stdin", stdin=PASSWORD + "\n")
        self.server = subprocess.Popen(
            [str(ACCORD), "serve", "--listen", f"127.0.0.1:{port}"],
            env=self.env, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/connexion", timeout=1)
                return url
            except Exception:
                if self.server.poll() is not None:
                    raise AssertionError(f"accord serve stopped: {self.server.stderr.read()}")
                time.sleep(0.1)
        raise AssertionError("accord serve did not answer in 20 s")

    def close(self):
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


class Browser:
    """A headless Chromium (Debian's chromium and chromium-driver), French first."""

    def __init__(self, shots: pathlib.Path | None, language: str = "fr-FR"):
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--lang={language}"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": language})
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.driver = webdriver.Chrome(service=Service(driver_path), options=options)
        self.driver.set_window_size(*DESKTOP)
        self.driver.set_script_timeout(60)
        self.axe = axe_script()
        self.shots = shots
        self.violations: list[str] = []
        self.checked: list[str] = []

    def check_page(self, name: str):
        """axe-core on the page as it is (WCAG 2.1 A and AA rules), at desktop and tablet
        sizes, with a screenshot of each when a folder was given."""
        for size_name, size in (("desktop", DESKTOP), ("tablet", TABLET)):
            self.driver.set_window_size(*size)
            self.driver.execute_script(self.axe)
            result = self.driver.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
                ".then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' + v.nodes.length + ')')))"
                ".catch(e => done(['axe failed: ' + e]));",
                WCAG_TAGS,
            )
            for violation in result:
                self.violations.append(f"{name} ({size_name}): {violation}")
            if self.shots is not None:
                self.shots.mkdir(parents=True, exist_ok=True)
                self.driver.execute_script("window.scrollTo(0, 0)")
                height = self.driver.execute_script("return document.documentElement.scrollHeight")
                self.driver.set_window_size(size[0], max(size[1], min(height, 6000)))
                self.driver.save_screenshot(str(self.shots / f"{name}-{size_name}.png"))
        self.driver.set_window_size(*DESKTOP)
        self.checked.append(name)

    def quit(self):
        self.driver.quit()

    def field(self, name: str):
        return self.driver.find_element(By.NAME, name)
