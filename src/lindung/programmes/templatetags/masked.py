"""Personal data on programme pages is shown masked (UU PDP, docs/privacy.md)."""

from django import template

from lindung.registry.masking import mask_name, mask_nik

register = template.Library()
register.filter("nik_masked", mask_nik)
register.filter("name_masked", mask_name)
