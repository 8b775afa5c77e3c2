"""Every free-text field of the project goes through the secret guard (core/free_text.py is the list).

The models and forms are found by introspection, not listed by hand here: a new ``CharField`` or
``TextField`` that is neither guarded nor explained in ``NOT_FREE_TEXT`` fails this test."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from core import free_text
from core.text_guard import MESSAGES

PROJECT_APPS = [
    config
    for config in apps.get_app_configs()
    if config.path.startswith(str(settings.BASE_DIR)) and "site-packages" not in config.path
]
SECRET = "mdp ameli : Soleil2024"


def project_text_fields():
    for config in PROJECT_APPS:
        for model in config.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.CharField | models.TextField) and not field.choices:
                    yield f"{model._meta.label}.{field.name}", field


def project_forms():
    seen = set()
    for config in PROJECT_APPS:
        package = importlib.import_module(config.name)
        names = [config.name] + [
            f"{config.name}.{info.name}" for info in pkgutil.walk_packages(package.__path__) if info.ispkg
        ]
        for name in names:
            try:
                module = importlib.import_module(f"{name}.forms")
            except ModuleNotFoundError:
                continue
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__ and cls not in seen:
                    seen.add(cls)
                    yield cls


def test_every_model_text_field_is_guarded_or_explained():
    escaped = []
    for label, field in project_text_fields():
        guarded = label in free_text.GUARDED_MODEL_FIELDS
        assert not (guarded and label in free_text.NOT_FREE_TEXT), label
        if guarded:
            assert free_text.is_guarded(field.validators), f"{label} is listed but has no guard"
        elif label not in free_text.NOT_FREE_TEXT:
            escaped.append(label)
    assert escaped == [], f"Free-text fields outside core/free_text.py: {escaped}"


def test_the_lists_name_existing_fields():
    labels = {label for label, _ in project_text_fields()}
    stale = [label for label in [*free_text.GUARDED_MODEL_FIELDS, *free_text.NOT_FREE_TEXT] if label not in labels]
    assert stale == []


def test_every_plain_form_text_field_is_guarded_or_explained():
    escaped, forms_seen = [], 0
    for form_class in project_forms():
        forms_seen += 1
        model = getattr(getattr(form_class, "_meta", None), "model", None)
        for name, field in form_class.base_fields.items():
            if type(field) is not forms.CharField:  # EmailField, SlugField, choices… are not free text
                continue
            label = f"{form_class.__module__}.{form_class.__name__}.{name}"
            model_label = f"{model._meta.label}.{name}" if model is not None else None
            if free_text.is_guarded(field.validators) or model_label in free_text.GUARDED_MODEL_FIELDS:
                continue
            if label in free_text.GUARDED_IN_CLEAN:
                form = form_class(data={name: SECRET})
                assert not form.is_valid() and name in form.errors, label
                continue
            if label not in free_text.NOT_FREE_TEXT_FORM_FIELDS and model_label not in free_text.NOT_FREE_TEXT:
                escaped.append(label)
    assert forms_seen >= 20  # the walk found the project's forms
    assert escaped == [], f"Form text fields outside core/free_text.py: {escaped}"


@pytest.mark.parametrize("label", free_text.GUARDED_MODEL_FIELDS)
def test_each_guarded_model_field_refuses_a_secret(label):
    field = free_text.model_field(label)
    value = SECRET[: field.max_length] if field.max_length and field.max_length < len(SECRET) else SECRET
    with pytest.raises(ValidationError) as error:
        field.run_validators(value if len(value) >= 12 else "mdp Sol3il2")
    assert any(m in MESSAGES.values() for m in error.value.messages)


def test_admin_forms_refuse_a_secret_and_keep_the_rest(db):
    """The admin's editable texts: an admin form built from a guarded model refuses the secret."""
    from core.models import MDS

    model_admin = admin.site._registry[MDS]
    form_class = model_admin.get_form(request=None)
    form = form_class(data={"code": "mds-x", "nom": "MDS du Centre", "adresse": "mdp : Soleil2024"})
    assert not form.is_valid()
    assert MESSAGES["password"] in form.errors["adresse"]
    assert "Soleil2024" not in str(form.errors)
    assert form["nom"].value() == "MDS du Centre"
