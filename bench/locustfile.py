"""Mixed desk scenario of issue 18 (docs/benchmarks.md, « Charge »), run by bench/load.py.

Each simulated user logs in a real demo mediator account (allauth form, CSRF) and, with no think
time, picks: queue 30 %, agenda 20 %, visitor search 15 %, visitor file 15 %, full accompaniment
POST 10 % (logging form with CSRF, one démarche with its default steps), director dashboard 10 %
(a director session shared by every user: its TOTP code can be used once only). A separate user
polls /healthz twice a second, so its latency under load is in the same report.
"""

import itertools
import os
import re
import uuid
from html.parser import HTMLParser

import pyotp
from locust import HttpUser, constant, events, task
from locust.clients import HttpSession

PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo-MDS-13-2026")
TOTP_SECRET = os.environ.get("LOAD_TOTP_SECRET", "MDSDEMOTOTPSECRETBOUCHESDURHONE2")
MEDIATORS = os.environ.get(
    "LOAD_ACCOUNTS",
    "mediateur@demo.mds13.fr,tuteur@demo.mds13.fr,mediatrice@demo.mds13.fr",
).split(",")
DIRECTOR = os.environ.get("LOAD_DIRECTOR", "directrice@demo.mds13.fr")
SEARCHES = ["ma", "be", "dup", "mar", "an", "ro", "le", "sa"]
_accounts = itertools.cycle(MEDIATORS)
_shared = {}
# Scale-out run: several web instances; every request goes to the next one, so a session, a CSRF
# token or a rate-limit counter made on one instance is used on another (no in-process state).
HOSTS = [h for h in os.environ.get("LOAD_HOSTS", "").split(",") if h]
_hosts = itertools.cycle(HOSTS)


def at(path: str) -> str:
    return next(_hosts) + path if HOSTS else path


def csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


class _Inputs(HTMLParser):
    """Form fields of a démarche block: checked boxes, the first radio of each group, hidden."""

    def __init__(self):
        super().__init__()
        self.fields, self.radios = [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag != "input" or not name:
            return
        kind = a.get("type", "text")
        if kind == "checkbox" and "checked" in a:
            self.fields.append((name, a.get("value", "on")))
        elif kind == "radio" and name not in self.radios and ("checked" in a or name.endswith("resultat") is False):
            self.radios.add(name)
            self.fields.append((name, a.get("value", "")))
        elif kind == "hidden":
            self.fields.append((name, a.get("value", "")))


def login(session, email, label):
    page = session.get(at("/accounts/login/"), name=f"{label} login (GET)")
    response = session.post(
        at("/accounts/login/"),
        data={"csrfmiddlewaretoken": csrf(page.text), "login": email, "password": PASSWORD},
        headers={"Referer": session.base_url + "/accounts/login/"},
        name=f"{label} login (POST)",
    )
    if "/2fa/" in response.url:
        response = session.post(
            response.url,
            data={"csrfmiddlewaretoken": csrf(response.text), "code": pyotp.TOTP(TOTP_SECRET).now()},
            headers={"Referer": response.url},
            name=f"{label} login (TOTP)",
        )
    if "/accounts/login" in response.url or "/2fa/" in response.url:
        raise RuntimeError(f"connexion refusée pour {email}")
    return session


@events.test_start.add_listener
def _director_session(environment, **kwargs):
    session = HttpSession(base_url=environment.host, request_event=environment.events.request, user=None)
    _shared["director"] = login(session, DIRECTOR, "directeur")


class Desk(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        login(self.client, next(_accounts), "agent")
        self.usagers = []
        self.demarche = None

    @task(30)
    def queue(self):
        self.client.get(at("/accueil/file/"), name="file d'attente")

    @task(20)
    def agenda(self):
        self.client.get(at("/accueil/agenda/"), name="agenda")

    @task(15)
    def search(self):
        response = self.client.get(at(f"/usagers/?q={SEARCHES[len(self.usagers) % len(SEARCHES)]}"), name="recherche")
        found = [int(pk) for pk in re.findall(r'href="/usagers/(\d+)/"', response.text)]
        self.usagers = (self.usagers + found)[-50:] or self.usagers

    @task(15)
    def visitor(self):
        if not self.usagers:
            return self.search()
        pk = self.usagers[uuid.uuid4().int % len(self.usagers)]
        self.client.get(at(f"/usagers/{pk}/"), name="dossier usager")

    @task(10)
    def accompaniment(self):
        page = self.client.get(at("/mediation/commencer/"), name="accompagnement (formulaire)")
        if self.demarche is None:
            results = self.client.get(at("/mediation/demarches/recherche/?q=caf"), name="accompagnement (démarches)")
            self.demarche = re.search(r"/mediation/demarches/(\d+)/bloc/", results.text).group(1)
        bloc = self.client.get(at(f"/mediation/demarches/{self.demarche}/bloc/"), name="accompagnement (bloc)")
        inputs = _Inputs()
        inputs.feed(bloc.text)
        prefix = re.search(r'name="bloc" value="([^"]+)"', bloc.text).group(1)
        data = [
            ("csrfmiddlewaretoken", csrf(page.text)),
            ("cle", str(uuid.uuid4())),
            ("usager", ""),
            ("source", "aller_vers"),
            ("date", re.search(r'name="date"[^>]*value="([^"]+)"', page.text).group(1)),
            ("debut", "10:15"),
            ("duree", "30"),
            ("type_lieu", "lieu_activite"),
            *inputs.fields,
            (f"{prefix}-resultat", "finalisee"),
        ]
        with self.client.post(
            at("/mediation/commencer/"),
            data=data,
            headers={"Referer": self.client.base_url + "/mediation/commencer/"},
            name="accompagnement (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"enregistrement refusé ({response.status_code})")

    @task(10)
    def dashboard(self):
        _shared["director"].get(at("/pilotage/mds/"), name="tableau de bord directeur")


class Health(HttpUser):
    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def healthz(self):
        self.client.get(at("/healthz"), name="healthz")
