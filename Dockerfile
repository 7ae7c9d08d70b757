# The lasdash dashboard. Configuration comes from the environment (LASDASH_DATA_DIR, AWS_*/AZURE_*, ...), see README.
FROM python:3.11.15-slim-bookworm

# Logs reach `docker logs` at once; no .pyc files written into the read-only app folder. Two heaps for all threads:
# memory one session's thread freed is reused by the next (see docs/CONFIGURATION.md).
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501 \
    LASDASH_DATA_DIR=/home/lasdash/store \
    MALLOC_ARENA_MAX=2

# A fixed UID so volume ownership and Kubernetes' runAsUser can match it; --no-log-init keeps a high UID
# from creating a huge sparse lastlog. The store folder is the only place the app writes (local storage).
RUN useradd --uid 10001 --user-group --create-home --no-log-init --shell /usr/sbin/nologin lasdash \
    && install -d -o lasdash -g lasdash /home/lasdash/store

WORKDIR /app

# Requirements first: code changes then reuse the installed-packages layer. The lock has every package with
# its hashes: the image gets exactly the set the tests passed with (bin/lock regenerates it).
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# App files stay root-owned, so the app cannot change its own code. No secrets.toml: secrets come at run time.
COPY app.py ./
COPY app_pages/ app_pages/
COPY app_assets/ app_assets/
COPY lasdash/ lasdash/
COPY data/ data/
COPY .streamlit/config.toml .streamlit/
COPY --chmod=755 bin/serve bin/

USER 10001:10001
EXPOSE 8501

# Streamlit answers "ok" on /_stcore/health once it is serving; curl is not in slim images.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; r = u.urlopen('http://127.0.0.1:%s/_stcore/health' % os.environ.get('PORT', '8501'), timeout=4); sys.exit(r.read() != b'ok')"]

CMD ["/app/bin/serve"]
