"""The translators' and editors' web app (Starlette, Jinja2 templates, a little JS)."""
