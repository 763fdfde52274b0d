"""The product's own pages behind the login: edit this package (and functions/settings.py).

Every module here uses only the public API (`from webapp import Identity, protected_page`) and is
imported at start-up because APP_PAGES names this package (its default). The login's machinery
(webapp/pages, webapp/auth) stays out of it. Add a module and import it below:

- `summary`: "/", who is signed in and until when (the start page after sign-in);
- `reports`: "/reports", an example limited to the `analysts` group.
"""

from webapp.product import reports, summary

__all__ = ["reports", "summary"]
