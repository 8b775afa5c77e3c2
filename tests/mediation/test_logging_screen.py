"""The logging screen: pre-filled start, htmx pieces, save, idempotency, French errors."""

import uuid

import pytest
from django.urls import reverse

from core.roles import Role
from mediation.enums import Resultat, SensOrientation
from mediation.models import Accompagnement, JournalActivite, Orientation, Revue
from tests.mediation.factories import demarche
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
URL = reverse("mediation:commencer")


def post_data(usager=None, *, code="caf_prime_activite", postures=None, resultat="finalisee", cle=None, **extra):
    d = demarche(code)
    data = {
        "cle": str(cle or uuid.uuid4()),
        "usager": str(usager.pk) if usager else "",
        "source": "aller_vers",
        "date": "2026-03-10",
        "debut": "10:15",
        "duree": "30",
        "type_lieu": "lieu_activite",
        "bloc": ["d1"],
        "d1-demarche": str(d.pk),
        "d1-etape": list(d.etapes_defaut),
        "d1-resultat": resultat,
    }
    for code_etape in d.etapes_defaut:
        data[f"d1-posture-{code_etape}"] = (postures or {}).get(code_etape, "avec")
    data.update(extra)
    return data


def test_commencer_prefills_visitor_source_and_start(mds_a, mediateur, client_for):
    usager = UsagerFactory(mds=mds_a, prenom="Amina", nom="K.")
    response = client_for(mediateur).get(URL, {"usager": usager.pk, "source": "rendez_vous"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amina" in html
    assert 'value="rendez_vous"\n                   checked' in html or 'id="source-rendez_vous"' in html
    form = response.context["form"]
    assert form.initial["source"] == "rendez_vous" and form.initial["usager"] == usager.pk
    assert form.initial["debut"] is not None
    # Frequent démarches are offered without typing.
    assert response.context["frequentes"]


def test_commencer_refuses_a_visitor_of_another_mds(mds_a, mds_b, mediateur, client_for):
    other = UsagerFactory(mds=mds_b)
    assert client_for(mediateur).get(URL, {"usager": other.pk}).status_code == 404


def test_search_and_block_fragments(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    response = client.get(reverse("mediation:recherche"), {"q": "prime act"}, HTTP_HX_REQUEST="true")
    assert "Prime d&#x27;activité" in response.content.decode()
    response = client.get(reverse("mediation:recherche"), {"q": "ameli"})
    assert "Compte ameli" in response.content.decode()
    response = client.get(reverse("mediation:recherche"), {"q": "zzzz"})
    assert "Aucune démarche" in response.content.decode()
    d = demarche("caf_prime_activite")
    response = client.get(reverse("mediation:bloc", kwargs={"pk": d.pk}))
    html = response.content.decode()
    assert "Saisie du formulaire" in html and "Validation / envoi" in html
    response = client.get(reverse("mediation:etape"), {"p": "d1", "code": "lecture_messages"})
    assert "Lecture des messages" in response.content.decode()


def _checked(html, prefix, code, posture):
    tag = html.split(f'id="{prefix}-{code}-{posture}"', 1)[1].split(">", 1)[0]
    return "checked" in tag


def _prefix(html):
    return html.split('name="bloc" value="', 1)[1].split('"', 1)[0]


def test_postures_never_come_from_another_visitor(mds_a, mediateur, client_for):
    """Amina's « faire faire » is suggested for Amina only; Bruno (new) and anonymous get nothing."""
    client = client_for(mediateur)
    amina, bruno = UsagerFactory(mds=mds_a), UsagerFactory(mds=mds_a)
    client.post(URL, post_data(amina, postures={"saisie": "faire_faire"}))
    d = demarche("impots_declaration")
    url = reverse("mediation:bloc", kwargs={"pk": d.pk})
    for params in ({"usager": bruno.pk}, {}):
        html = client.get(url, params).content.decode()
        prefix = _prefix(html)
        assert "checked" not in html.split('name="bloc"', 1)[1].split("resultat", 1)[0]
        assert not any(_checked(html, prefix, "saisie", p) for p in ("avec", "faire_faire", "a_la_place"))
        assert "suggestion : comme la dernière fois" not in html
    html = client.get(url, {"usager": amina.pk}).content.decode()
    prefix = _prefix(html)
    assert _checked(html, prefix, "saisie", "faire_faire")
    assert _checked(html, prefix, "navigation", "avec")
    assert "suggestion : comme la dernière fois" in html
    # A step added by hand follows the same rule.
    step = client.get(reverse("mediation:etape"), {"p": "d1", "code": "saisie", "usager": bruno.pk}).content.decode()
    assert "checked" not in step
    step = client.get(reverse("mediation:etape"), {"p": "d1", "code": "saisie", "usager": amina.pk}).content.decode()
    assert "checked" in step.split('id="d1-saisie-faire_faire"', 1)[1].split(">", 1)[0]


def test_a_step_without_posture_is_refused_in_french(mds_a, mediateur, client_for):
    data = post_data()
    del data["d1-posture-saisie"]
    response = client_for(mediateur).post(URL, data)
    assert response.status_code == 200
    assert "Saisie du formulaire : choisissez qui a fait cette étape." in response.content.decode()
    assert not Accompagnement.objects.exists()


def test_a_passage_already_logged_shows_its_accompaniment(mds_a, mediateur, client_for):
    """Back, history or reload after « Terminer »: no blank form, and a second form is refused."""
    from accueil.services import register_arrival

    usager = UsagerFactory(mds=mds_a)
    passage = register_arrival(mds=mds_a, usager=usager, source="aller_vers")
    client = client_for(mediateur)
    first = client.post(URL, post_data(usager, passage=str(passage.pk)))
    acc = Accompagnement.objects.get()
    assert first.status_code == 302 and acc.passage == passage
    detail_url = reverse("mediation:detail", kwargs={"pk": acc.pk})
    again = client.get(URL, {"passage": passage.pk})
    assert again.status_code == 302 and again["Location"] == detail_url
    page = client.get(detail_url).content.decode()
    assert "Ce passage est déjà enregistré" in page and "Corriger" in page
    # A second form opened earlier (other key) is refused server-side, nothing is counted twice.
    second = client.post(URL, post_data(usager, passage=str(passage.pk)), HTTP_HX_REQUEST="true")
    assert second.status_code == 204 and second["HX-Redirect"] == detail_url
    assert Accompagnement.objects.count() == 1
    assert JournalActivite.objects.count() == 1


def test_terminer_saves_once_even_when_submitted_twice(mds_a, mediateur, client_for):
    usager = UsagerFactory(mds=mds_a)
    client = client_for(mediateur)
    data = post_data(usager)
    first = client.post(URL, data, HTTP_HX_REQUEST="true")
    assert first.status_code == 204 and first["HX-Redirect"].startswith("/mediation/accompagnements/")
    second = client.post(URL, data)
    assert second.status_code == 302
    assert Accompagnement.objects.count() == 1
    assert JournalActivite.objects.count() == 1
    acc = Accompagnement.objects.get()
    assert acc.usager == usager and acc.duree_minutes == 30 and acc.mediateur == mediateur
    assert acc.demarches.get().etapes.count() == len(demarche().etapes_defaut)
    usager.refresh_from_db()
    assert usager.last_contact_at is not None


def test_errors_are_in_french_and_the_form_is_kept(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    data = post_data(resultat="", duree="", note="mot de passe : Soleil2024")
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choisissez une durée." in html
    assert "Choisissez le résultat de la démarche." in html
    assert "Ne notez jamais un mot de passe" in html
    # The démarche block is still there with its steps.
    assert 'name="d1-demarche"' in html and "Saisie du formulaire" in html
    assert Accompagnement.objects.count() == 0


def test_no_demarche_is_an_error(mds_a, mediateur, client_for):
    data = post_data()
    data["bloc"] = []
    response = client_for(mediateur).post(URL, data)
    assert "Ajoutez au moins une démarche" in response.content.decode()


def test_a_la_place_on_validation_requires_consent(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    data = post_data(postures={"validation_envoi": "a_la_place"})
    response = client.post(URL, data)
    assert "indiquez l&#x27;accord de la personne" in response.content.decode()
    assert Accompagnement.objects.count() == 0
    data["d1-consentement"] = "accord_sans_verification"
    assert client.post(URL, data).status_code == 302
    realisee = Accompagnement.objects.get().demarches.get()
    assert realisee.consentement == "accord_sans_verification"
    assert JournalActivite.objects.get().demarches.get().consentement == "accord_sans_verification"


def test_consent_is_not_recorded_when_not_needed(mds_a, mediateur, client_for):
    data = post_data(**{"d1-consentement": "accord_verifie"})
    client_for(mediateur).post(URL, data)
    assert Accompagnement.objects.get().demarches.get().consentement == ""


def test_intern_a_la_place_goes_to_tutor_review(mds_a, make_user, client_for):
    tuteur = make_user(Role.TUTEUR)
    stagiaire = make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur)
    client_for(stagiaire).post(URL, post_data(postures={"saisie": "a_la_place"}))
    revue = Revue.objects.get()
    assert revue.tuteur == tuteur and revue.acquittee_le is None
    page = client_for(tuteur).get(reverse("mediation:revue"))
    assert "Prime d&#x27;activité" in page.content.decode()
    response = client_for(tuteur).post(
        reverse("mediation:revue_acquitter", kwargs={"pk": revue.pk}), {"commentaire": "Bien expliqué ensuite."}
    )
    assert response.status_code == 302
    revue.refresh_from_db()
    assert revue.acquittee_le is not None and revue.commentaire == "Bien expliqué ensuite."
    # Nothing of the act was edited.
    assert revue.demarche_realisee.etapes.filter(posture="a_la_place").count() == 1


def test_non_intern_a_la_place_is_not_reviewed(mds_a, mediateur, client_for):
    client_for(mediateur).post(URL, post_data(postures={"saisie": "a_la_place"}))
    assert not Revue.objects.exists()


def test_reserved_demarche_proposes_a_hand_off_instead_of_logging_it_done(mds_a, mediateur, make_user, client_for):
    ts = make_user(Role.TRAVAILLEUR_SOCIAL)
    usager = UsagerFactory(mds=mds_a)
    d = demarche("logement_dalo")
    client = client_for(mediateur)
    html = client.get(reverse("mediation:bloc", kwargs={"pk": d.pk})).content.decode()
    assert "Démarche réservée aux travailleurs sociaux" in html
    data = post_data(usager, code="caf_declaration_trimestrielle", resultat="finalisee")
    data["d1-destinataire"] = str(ts.pk)
    data["d1-orientation-note"] = "Souhaite faire le point"
    assert client.post(URL, data).status_code == 302
    realisee = Accompagnement.objects.get().demarches.get()
    assert realisee.resultat == Resultat.ORIENTEE and realisee.etapes.count() == 0
    orientation = Orientation.objects.get()
    assert orientation.sens == SensOrientation.VERS_TRAVAILLEUR_SOCIAL and orientation.destinataire == ts
    entry = JournalActivite.objects.get().demarches.get()
    assert entry.reserve_travailleur_social and entry.oriente_vers == "vers_travailleur_social"
    assert not entry.etapes.exists()
    inbox = client_for(ts).get(reverse("mediation:orientations")).content.decode()
    assert "Souhaite faire le point" in inbox


def test_open_demarche_checklist_and_continuation(mds_a, mediateur, client_for):
    usager = UsagerFactory(mds=mds_a)
    client = client_for(mediateur)
    d = demarche("logement_demande")
    data = post_data(usager, code="logement_demande", resultat="doit_revenir")
    data["d1-piece"] = d.pieces_defaut
    data["d1-piece-fournie"] = ["0"]
    data["d1-reference"] = "13-2026-0001"
    client.post(URL, data)
    first = Accompagnement.objects.get().demarches.get()
    assert [(p.libelle, p.fournie) for p in first.pieces.all()][0] == (d.pieces_defaut[0], True)
    page = client.get(URL, {"usager": usager.pk})
    assert "Démarches en cours de la personne" in page.content.decode()
    page = client.get(URL, {"usager": usager.pk, "suite": first.pk})
    bloc = page.context["blocs"][0]
    assert bloc.suite == first and bloc.reference == "13-2026-0001"
    data2 = post_data(usager, code="logement_demande", resultat="finalisee", **{"d1-suite": str(first.pk)})
    client.post(URL, data2)
    assert first.suites.count() == 1
    assert client.get(URL, {"usager": usager.pk}).context["ouvertes"] == []


def test_orientation_to_partner_requires_a_partner(mds_a, mediateur, client_for):
    from tests.mediation.factories import PartenaireFactory

    partenaire = PartenaireFactory(mds=mds_a)
    client = client_for(mediateur)
    data = post_data(resultat="orientee", **{"d1-orienter": "partenaire"})
    assert "Choisissez la structure partenaire." in client.post(URL, data).content.decode()
    data["d1-partenaire"] = str(partenaire.pk)
    assert client.post(URL, data).status_code == 302
    assert Orientation.objects.get().partenaire == partenaire


def test_running_timer_value_is_accepted_without_a_preset(mds_a, mediateur, client_for):
    data = post_data(duree="", duree_autre="23")
    assert client_for(mediateur).post(URL, data).status_code == 302
    assert Accompagnement.objects.get().duree_minutes == 23


@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL, Role.DIRECTEUR])
def test_only_mediators_log(mds_a, make_user, client_for, role):
    assert client_for(make_user(role)).get(URL).status_code == 403


def test_correction_screen_supersedes_the_log_entry(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    client.post(URL, post_data())
    acc = Accompagnement.objects.get()
    url = reverse("mediation:corriger", kwargs={"pk": acc.pk})
    assert client.get(url).status_code == 200
    data = {"date": "2026-03-10", "debut": "10:15", "duree_minutes": "700", "source": "borne", "type_lieu": "autre"}
    response = client.post(url, data)
    assert response.status_code == 200 and "inférieure ou égale à 600" in response.content.decode()
    data["duree_minutes"] = "50"
    assert client.post(url, data).status_code == 302
    entries = JournalActivite.objects.filter(accompagnement_id=acc.pk).order_by("version")
    assert [e.duree_minutes for e in entries] == [30, 50]
    assert entries[1].remplace_id == entries[0].pk and entries[1].source == "borne"


def test_delete_needs_confirmation_and_keeps_a_cancellation(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    client.post(URL, post_data())
    acc = Accompagnement.objects.get()
    url = reverse("mediation:supprimer", kwargs={"pk": acc.pk})
    assert "Oui, supprimer" in client.get(url).content.decode()
    assert Accompagnement.objects.exists()
    client.post(url)
    assert not Accompagnement.objects.exists()
    assert JournalActivite.objects.filter(accompagnement_id=acc.pk, annulee=True).exists()


def test_started_from_the_queue_the_passage_fills_visitor_source_and_start(mds_a, mds_b, mediateur, client_for):
    import datetime as dt

    from django.utils import timezone

    from accueil.services import register_arrival, take_in_charge

    usager = UsagerFactory(mds=mds_a, prenom="Nora")
    arrival = timezone.now() - dt.timedelta(minutes=20)
    passage = register_arrival(mds=mds_a, usager=usager, source="venu_directement", now=arrival)
    taken = arrival + dt.timedelta(minutes=5)
    passage = take_in_charge(passage=passage, user=mediateur, now=taken)
    client = client_for(mediateur)
    response = client.get(URL, {"passage": passage.pk})
    initial = response.context["form"].initial
    assert initial["usager"] == usager.pk and initial["source"] == "venu_directement"
    assert initial["passage"] == passage.pk
    assert initial["debut"] == timezone.localtime(taken).time().replace(second=0, microsecond=0)
    assert response.context["timer_start"] == passage.pris_en_charge_le
    assert "data-timer-start" in response.content.decode()
    data = post_data(usager, passage=str(passage.pk), source="venu_directement")
    assert client.post(URL, data).status_code == 302
    assert Accompagnement.objects.get().passage == passage
    # A passage of another MDS pre-fills nothing and cannot be attached.
    other = register_arrival(mds=mds_b, usager=UsagerFactory(mds=mds_b), source="aller_vers")
    response = client.get(URL, {"passage": other.pk})
    assert "passage" not in response.context["form"].initial
    assert response.context["usager"] is None
    response = client.post(URL, post_data(passage=str(other.pk)))
    assert response.status_code == 200 and Accompagnement.objects.count() == 1


def test_review_of_an_intern_without_tutor_goes_to_every_tutor_of_the_mds(mds_a, make_user, client_for):
    tuteur, other_tuteur = make_user(Role.TUTEUR), make_user(Role.TUTEUR)
    stagiaire = make_user(Role.MEDIATEUR, stagiaire=True)
    client_for(stagiaire).post(URL, post_data(postures={"saisie": "a_la_place"}))
    revue = Revue.objects.get()
    assert revue.tuteur is None
    for t in (tuteur, other_tuteur):
        page = client_for(t).get(reverse("mediation:revue")).content.decode()
        assert "Prime d&#x27;activité" in page
    # A tutor of another intern does not see reviews addressed to someone else.
    named = make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur)
    client_for(named).post(URL, post_data(code="impots_declaration", postures={"saisie": "a_la_place"}))
    assert "Déclaration de revenus" not in client_for(other_tuteur).get(reverse("mediation:revue")).content.decode()


def test_review_loop_reaches_the_intern(mds_a, make_user, client_for):
    """Tutor's comment → intern's accompaniment page with « non lu », then « lu » once marked."""
    from mediation.services import acquitter_revue

    tuteur = make_user(Role.TUTEUR)
    stagiaire = make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur)
    client_for(stagiaire).post(URL, post_data(postures={"saisie": "a_la_place"}))
    acc = Accompagnement.objects.get()
    revue = Revue.objects.get()
    revue_html = client_for(tuteur).get(reverse("mediation:revue")).content.decode()
    assert 'class="etape-a-la-place"' in revue_html and "badge-a-la-place" in revue_html
    acquitter_revue(revue=revue, tuteur=tuteur, commentaire="Fais-lui saisir son adresse la prochaine fois")
    detail = reverse("mediation:detail", kwargs={"pk": acc.pk})
    html = client_for(stagiaire).get(detail).content.decode()
    assert "Fais-lui saisir son adresse" in html and "non lu" in html
    # Only the intern herself marks it read; another mediator gets a 404.
    other = make_user(Role.MEDIATEUR)
    assert client_for(other).post(reverse("mediation:revue_lue", kwargs={"pk": revue.pk})).status_code == 404
    response = client_for(stagiaire).post(reverse("mediation:revue_lue", kwargs={"pk": revue.pk}), {"next": detail})
    assert response.status_code == 302 and response["Location"] == detail
    revue.refresh_from_db()
    assert revue.lue_le is not None
    html = client_for(stagiaire).get(detail).content.decode()
    assert "lu le" in html and "Marquer comme lu" not in html
    assert "lu le" in client_for(tuteur).get(reverse("mediation:revue")).content.decode()
    # An evil « next » goes home instead.
    response = client_for(stagiaire).post(
        reverse("mediation:revue_lue", kwargs={"pk": revue.pk}), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_failed_save_with_htmx_returns_only_the_form_partial(mds_a, mediateur, client_for):
    response = client_for(mediateur).post(URL, post_data(resultat="", duree=""), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<form id="logging-form"')
    assert "Choisissez une durée." in html
    assert Accompagnement.objects.count() == 0
