"""/penghargaan/: the organiser's pages and the public results (urls_organiser.py), and the
entrants', verifiers' and jurors' portal (urls_portal.py)."""

from lindung.award.urls_organiser import urlpatterns as organiser_patterns
from lindung.award.urls_portal import urlpatterns as portal_patterns

app_name = "award"
urlpatterns = organiser_patterns + portal_patterns
