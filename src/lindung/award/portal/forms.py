"""Forms of the award portal. They only check the shape of what was posted (numbers are
numbers, a verdict is one of the three); every rule of the award (the item's maximum, 0–100,
reasons, stages, who may do what) is the services' job, so a refusal always carries the
services' bilingual message."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.award.models import Verdict

VERDICTS = [(v, label) for v, label in Verdict.choices if v != Verdict.PENDING]


class AnswerForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.IntegerField(label=_("Value"), min_value=0, max_value=32767)
    text = forms.CharField(
        label=_("Explanation"), required=False, max_length=4000, widget=forms.Textarea
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=VERDICTS)
    value = forms.IntegerField(
        label=_("Adjusted value"), required=False, min_value=0, max_value=32767
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000)


class ScoreForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    # The 0–100 range is checked by services.score, whose message names it.
    score = forms.DecimalField(label=_("Score (0–100)"), max_digits=8, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=4000)


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Conflict of interest"), max_length=4000, widget=forms.Textarea
    )
