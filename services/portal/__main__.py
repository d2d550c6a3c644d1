"""``python -m services.portal``: the web front end on its own port (8000 locally)."""

from shared.web import serve

if __name__ == "__main__":
    serve("portal", "127.0.0.1", 8000)
