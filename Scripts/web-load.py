#!/usr/bin/env python3
"""A bounded load on `accord serve` on loopback: CLINICIANS clinicians at once (20 by
default), each signing in with their own account, then ROUNDS times reading today's list, a
patient search, a random session's page and its history, and recording a note in their own
session. Afterwards it checks that no request failed (no "busy" page, no 5xx), that every note
acknowledged by a 303 is recorded exactly once, and that `accord verify` passes; it prints the
median, 95th percentile and maximum page times.

Outside CI (a benchmark): `python3 Scripts/web-load.py [--sessions 10000] [--clinicians 20]
[--rounds 25] [--accord .build/release/accord]`. Synthetic sessions only (invented data).
"""

import argparse
import concurrent.futures
import http.cookiejar
import os
import pathlib
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "correct horse battery staple"
NOW = "2026-03-02T09:30:00Z"


def luhn_key(digits: str) -> str:
    total = 0
    for index, character in enumerate(reversed(digits)):
        value = int(character)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def idnat_ps(number: int) -> str:
    """8 + an invented 11-digit RPPS number whose last digit is its Luhn key."""
    rpps = f"{1000000000 + number:010d}"
    return "8" + rpps + luhn_key(rpps)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Clinician:
    def __init__(self, base: str, identifier: str):
        self.base = base
        self.identifier = identifier
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.times: list[float] = []
        self.failures: list[str] = []
        self.csrf = ""

    def request(self, path: str, fields: dict | None = None) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        self.times.append(time.perf_counter() - started)
        if status >= 400:
            self.failures.append(f"{status} on {path.split('?')[0]}")
        match = re.search(r'name="csrf" value="([^"]+)"', body)
        if match:
            self.csrf = match.group(1)
        return status, body

    def sign_in(self):
        self.request("/connexion")
        status, _ = self.request("/connexion", {"csrf": self.csrf, "id": self.identifier, "password": PASSWORD})
        if status != 303:
            raise SystemExit(f"sign-in answered {status}")
        self.request("/sessions")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--clinicians", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--accord", default=".build/release/accord")
    parser.add_argument("--port", type=int, default=18089)
    arguments = parser.parse_args()
    accord = str(pathlib.Path(arguments.accord).resolve())
    folder = pathlib.Path(tempfile.mkdtemp(prefix="accord-load-"))
    env = dict(os.environ, ACCORD_DB=str(folder / "accord.sqlite"), ACCORD_KEY_FILE=str(folder / "chain.key"))
    env.pop("ACCORD_NOW", None)

    def run(*command: str, stdin: str | None = None) -> str:
        result = subprocess.run([accord, *command], env=env, input=stdin, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"accord {command[0]} {command[1]} exited {result.returncode}: {result.stderr}")
        return result.stdout

    run("audit", "generate", "--experimental", "--sessions", str(arguments.sessions))
    identifiers = [idnat_ps(number + 1) for number in range(arguments.clinicians)]
    # Each clinician amends one synthetic session of their own (the generated sessions are
    # closed: a note is an amendment, with its reason).
    own_sessions = [f"S{number + 1}" for number in range(arguments.clinicians)]
    for number, identifier in enumerate(identifiers):
        run("user", "add", "--id", identifier, "--name", f"Clinicien de charge {number + 1}", "--password-stdin",
            stdin=PASSWORD + "\n")
    notes_before = [run("session", "history", own).count("note-added") for own in own_sessions]
    server = subprocess.Popen([accord, "serve", "--listen", f"127.0.0.1:{arguments.port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{arguments.port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/connexion", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        clinicians = [Clinician(base, identifier) for identifier in identifiers]

        def work(index: int) -> int:
            clinician = clinicians[index]
            clinician.sign_in()
            rng = random.Random(index)
            acknowledged = 0
            own = own_sessions[index]
            for round_number in range(arguments.rounds):
                clinician.request("/sessions")
                clinician.request("/patients?ins=158056912345606")
                target = f"S{rng.randint(1, arguments.sessions)}"
                clinician.request(f"/sessions/{target}")
                clinician.request(f"/sessions/{target}/historique")
                clinician.request(f"/sessions/{own}")
                status, _ = clinician.request(
                    f"/sessions/{own}/notes",
                    {"csrf": clinician.csrf, "text": f"Note de charge {index}-{round_number}", "reason": "Essai de charge"})
                if status == 303:
                    acknowledged += 1
            return acknowledged

        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(arguments.clinicians) as pool:
            acknowledged = list(pool.map(work, range(arguments.clinicians)))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    failures = [failure for clinician in clinicians for failure in clinician.failures]
    times = sorted(t for clinician in clinicians for t in clinician.times)
    lost_or_duplicated = []
    for index, own in enumerate(own_sessions):
        history = run("session", "history", own)
        recorded = history.count("note-added") - notes_before[index]
        if recorded != acknowledged[index]:
            lost_or_duplicated.append(f"{own}: {acknowledged[index]} acknowledged, {recorded} recorded")
    verify = subprocess.run([accord, "verify"], env=env, capture_output=True, text=True)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"sessions {arguments.sessions}, clinicians {arguments.clinicians}, rounds {arguments.rounds}: "
          f"{len(times)} requests in {elapsed:.1f} s")
    print(f"page time: median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, "
          f"max {times[-1] * 1000:.1f} ms")
    print(f"notes acknowledged (303): {sum(acknowledged)} of {arguments.clinicians * arguments.rounds}")
    print(f"failed requests: {len(failures)} {sorted(set(failures))[:5]}")
    print(f"notes lost or duplicated: {len(lost_or_duplicated)} {lost_or_duplicated[:5]}")
    print(f"verify: exit {verify.returncode}")
    shutil.rmtree(folder, ignore_errors=True)
    if failures or lost_or_duplicated or verify.returncode != 0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
