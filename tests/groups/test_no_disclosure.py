"""Rule 1: no form asks about trauma, diagnoses, health history or "your story".

Walks every form class in every module of the `groups.forms` package (member and
staff forms alike, and any added later) and fails if a field's name, label or help
text uses one of the words below. Member forms are also checked in the choices they
offer, since every word there is something she is asked to pick. And every optional
member field says why it is asked and that she can skip it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import groups.forms

FORBIDDEN = (
    "trauma",
    "diagnos",
    "abuse",
    "history",
    "story",
    "medical",
    "condition",
    "illness",
    "medication",
    "mental health",
    "violence",
    "assault",
)


def form_modules() -> list:
    return [
        importlib.import_module(f"{groups.forms.__name__}.{info.name}")
        for info in pkgutil.iter_modules(groups.forms.__path__)
    ]


def form_classes() -> list[type[forms.BaseForm]]:
    found = []
    for module in form_modules():
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


def instantiate(cls: type[forms.BaseForm]) -> forms.BaseForm | None:
    """An unbound instance, so fields added in __init__ are seen too. Required keyword
    arguments get None; a form that cannot be made that way is checked by its declared
    fields only."""
    required = [
        name
        for name, param in inspect.signature(cls.__init__).parameters.items()
        if param.kind is inspect.Parameter.KEYWORD_ONLY and param.default is inspect.Parameter.empty
    ]
    try:
        return cls(**dict.fromkeys(required))
    except Exception:  # any failure: fall back to the declared fields
        return None


def fields_of(cls: type[forms.BaseForm]) -> dict[str, forms.Field]:
    fields = dict(cls.base_fields)
    form = instantiate(cls)
    if form is not None:
        fields.update(form.fields)
    return fields


def words(field_name: str, field: forms.Field) -> list[str]:
    return [field_name, str(field.label or ""), str(field.help_text or "")]


def static_choice_labels(field: forms.Field) -> list[str]:
    if isinstance(field, forms.ModelChoiceField) or not hasattr(field, "choices"):
        return []
    labels = []
    for _, label in field.choices:
        if isinstance(label, list | tuple):  # an optgroup
            labels += [str(inner) for _, inner in label]
        else:
            labels.append(str(label))
    return labels


ALL_FORMS = form_classes()
MEMBER_FORMS = [cls for cls in ALL_FORMS if cls.__module__ == "groups.forms.member"]


def test_the_walk_finds_the_forms():
    modules = {module.__name__ for module in form_modules()}
    assert "groups.forms.member" in modules
    names = {cls.__name__ for cls in ALL_FORMS}
    assert {
        "JoinNameForm",
        "JoinContactForm",
        "JoinAgreementForm",
        "JoinPasswordForm",
        "ProfileForm",
        "SafeContactForm",
        "SupportContactForm",
        "SupportPlanForm",
        "SupportPlanSharingForm",
        "StepBackForm",
        "LeaveForm",
        "AgreementResponseForm",
        "AgreementCommentForm",
    } <= names


@pytest.mark.parametrize("cls", ALL_FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_no_form_asks_for_a_disclosure(cls, db):
    for name, field in fields_of(cls).items():
        for text in words(name, field):
            for word in FORBIDDEN:
                assert word not in text.lower(), f"{cls.__name__}.{name}: {word!r} in {text!r}"


@pytest.mark.parametrize("cls", MEMBER_FORMS, ids=lambda c: c.__name__)
def test_no_member_form_offers_a_disclosure_to_pick(cls, db):
    for name, field in fields_of(cls).items():
        for label in static_choice_labels(field):
            for word in FORBIDDEN:
                assert word not in label.lower(), f"{cls.__name__}.{name}: {word!r} in {label!r}"


# Optional fields that are not personal questions: a choice with a safe default, a
# hidden value, or a field shown only with its own explanation on the page.
NOT_PERSONAL = {
    ("JoinContactForm", "channels"),
    ("JoinAgreementForm", "agrees"),
    ("SafeContactForm", "channels"),
    ("SafeContactForm", "safe_days"),
    ("SafeContactForm", "voicemail_ok"),
    ("SafeContactForm", "may_mention_group"),
    ("SupportContactForm", "contact_if_i_ask"),
    ("SupportContactForm", "contact_if_worried"),
    ("SupportPlanSharingForm", "readers"),
    ("StepBackForm", "keep_session_changes"),
    ("AgreementResponseForm", "disagreement"),
}


@pytest.mark.parametrize("cls", MEMBER_FORMS, ids=lambda c: c.__name__)
def test_every_optional_member_field_says_why_and_that_it_can_be_skipped(cls, db):
    for name, field in fields_of(cls).items():
        if field.required or isinstance(field.widget, forms.HiddenInput):
            continue
        help_text = str(field.help_text or "")
        assert help_text, f"{cls.__name__}.{name} has no help text"
        if (cls.__name__, name) in NOT_PERSONAL:
            continue
        assert "You can leave this blank." in help_text, f"{cls.__name__}.{name}: {help_text!r}"
        why = help_text.replace("You can leave this blank.", "").strip()
        assert why, f"{cls.__name__}.{name} does not say why it is asked"


@pytest.mark.parametrize("cls", MEMBER_FORMS, ids=lambda c: c.__name__)
def test_sharing_and_contact_choices_start_unticked(cls, db):
    """Rule 2: every sharing choice starts at the most private option."""
    for name, field in fields_of(cls).items():
        if isinstance(field, forms.BooleanField) and name not in {"contact_if_i_ask"}:
            assert not field.initial, f"{cls.__name__}.{name} starts ticked"
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            assert not field.initial, f"{cls.__name__}.{name} starts with choices made"


def test_joining_requires_nothing_but_a_name():
    from groups.forms.member import JoinAgreementForm, JoinContactForm, JoinNameForm

    required = {
        (cls.__name__, name)
        for cls in (JoinNameForm, JoinContactForm, JoinAgreementForm)
        for name, field in cls.base_fields.items()
        if field.required
    }
    assert required == {("JoinNameForm", "preferred_name")}


def test_the_walk_would_catch_a_bad_form():
    class Bad(forms.Form):
        story = forms.CharField(label="Tell us what happened", required=False)

    found = [
        (name, word)
        for name, field in Bad.base_fields.items()
        for text in words(name, field)
        for word in FORBIDDEN
        if word in text.lower()
    ]
    assert found == [("story", "story")]
