"""Sign-in for the browser tests: a real OpenID Connect provider (oidc-provider-mock, over HTTP in a thread) with
the users a test invents, and a `streamlit run app.py` configured to use it. Its secrets.toml is written into a
temporary folder (`--secrets.files`), never into the repo."""
import contextlib
import json
import secrets
from pathlib import Path

from .server import Server


@contextlib.contextmanager
def provider(*users: dict):
    """The provider's address while it runs; each user: {"sub", "email", "name"}, the claims an ID token carries."""
    from oidc_provider_mock import User, run_server_in_thread
    claims = [User(sub=u["sub"], claims={"email": u["email"], "name": u["name"]}) for u in users]
    with run_server_in_thread(user_claims=claims) as srv:
        yield f"http://localhost:{srv.server_port}"


def signed_in_server(folder: Path, provider_url: str, viewers: list[str], editors: list[str] = ()) -> Server:
    """A started server on the store in `folder/store` that lets in `viewers` (and `editors`) through the provider."""
    srv = Server(folder / "store")
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(f"""
[auth]
redirect_uri = "{srv.url}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "lasdash-tests"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider_url}/.well-known/openid-configuration"

[lasdash]
viewers = {json.dumps(list(viewers))}
""" + (f"editors = {json.dumps(list(editors))}\n" if editors else ""))  # a JSON list of strings is a TOML array
    srv.args = ["--secrets.files", str(secrets_file)]
    return srv.start()
