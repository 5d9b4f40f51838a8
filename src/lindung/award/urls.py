"""/penghargaan/: the organiser's pages and the public results (``organiser.urls``), and the
entrants', verifiers' and jurors' portal (``portal.urls``)."""

from lindung.award.organiser.urls import urlpatterns as organiser_patterns
from lindung.award.portal.urls import urlpatterns as portal_patterns

app_name = "award"
urlpatterns = organiser_patterns + portal_patterns
