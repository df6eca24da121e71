"""templates/includes/form_fields.html, the one rendering of a form's fields ([5/8], item 4):
required fields marked with words for screen readers, errors beside their field and tied to
it, radio and checkbox groups as lists with each label right after its control."""

import re

from django import forms
from django.template.loader import render_to_string


class Example(forms.Form):
    summary = forms.CharField(label="Samenvatting", help_text="Kort graag.")
    note = forms.CharField(label="Notitie", required=False)
    purpose = forms.ChoiceField(
        label="Waarvoor?", choices=[("a", "advies"), ("b", "melding")], widget=forms.RadioSelect
    )
    shared = forms.MultipleChoiceField(
        label="Wat gaat mee",
        choices=[("x", "leeftijd"), ("y", "kinderen")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(label="Ik weet het")


def render(form):
    return re.sub(r"\s+", " ", render_to_string("includes/form_fields.html", {"form": form}))


def test_required_fields_carry_a_mark_and_words_explained_once():
    html = render(Example())
    assert html.count("Verplicht veld") == 1
    mark = '<span class="field__required" aria-hidden="true">*</span>'
    words = '<span class="visually-hidden"> (verplicht)</span>'
    assert f"Samenvatting{mark}{words}</label>" in html
    assert f"Waarvoor?{mark}{words}</legend>" in html
    assert f"Ik weet het{mark}{words}</label>" in html
    assert "Notitie</label>" in html and "Wat gaat mee</legend>" in html  # optional: no mark


def test_a_form_without_required_fields_has_no_explanation():
    class Optional(forms.Form):
        note = forms.CharField(label="Notitie", required=False)

    assert "Verplicht veld" not in render(Optional())


def test_errors_stand_beside_their_field_and_are_tied_to_it():
    html = render(Example(data={}))
    summary = re.search(r'<textarea[^>]*>|<input[^>]*name="summary"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in summary
    assert 'aria-describedby="id_summary_helptext id_summary_error"' in summary
    block = re.search(r'<div class="field field--invalid">.*?</div> </div>', html).group(0)
    assert 'id="id_summary_error"' in block and "Dit veld is verplicht." in block
    # A group: the fieldset names its error; each control is marked invalid.
    assert (
        '<fieldset class="field field--group field--invalid" aria-describedby="id_purpose_error">'
        in html
    )
    assert re.search(r'<input type="radio" name="purpose"[^>]*aria-invalid="true"', html)
    assert 'id="id_note_error"' not in html  # an optional field left empty has no error


def test_radio_and_checkbox_groups_are_lists_with_the_label_after_its_control():
    html = render(Example())
    radios = re.search(r'<legend class="field__label">Waarvoor\?.*?</ul>', html).group(0)
    assert re.findall(
        r'<li class="choices__item"><input type="radio"[^>]*id="(id_purpose_\d)"[^>]*> '
        r'<label for="\1">(\w+)</label></li>',
        radios,
    ) == [
        ("id_purpose_0", "advies"),
        ("id_purpose_1", "melding"),
    ]
    boxes = re.search(r'<legend class="field__label">Wat gaat mee.*?</ul>', html).group(0)
    assert (
        len(
            re.findall(r'<li class="choices__item"><input type="checkbox"[^>]*> <label for=', boxes)
        )
        == 2
    )
    # No label wraps its control, and no control is outside a list item.
    assert "<label><input" not in html and 'class="answers__option"' not in html
