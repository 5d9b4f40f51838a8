from django import forms
from django.contrib import admin

from lindung.compliance import letters
from lindung.compliance.models import LetterTemplate


class LetterTemplateForm(forms.ModelForm):
    """The admin saves the same text the page's service would: cut down to the letters'
    allow-list (no ``<link>``, ``<script>``, file or web addresses) and compiling."""

    class Meta:
        model = LetterTemplate
        fields = ["kind", "title", "body"]

    def clean_body(self) -> str:
        try:
            body = letters.clean_template(self.cleaned_data["body"])
            letters.check_template(body)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return body


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """Letter texts are reference data; cases and findings are worked on the pages."""

    form = LetterTemplateForm
    list_display = ["kind", "title", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]
