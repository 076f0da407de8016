# kam-bot for production: the Slack app, scheduler and sender (`kam-bot serve`), one worker process
# per core unless `--workers N` says otherwise (one on SQLite or Socket Mode).
# Dependencies come from the hashed lock file; the database is migrated by `kam-bot db upgrade`
# (compose.yaml runs it as a one-off service before the app starts).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PORT=3000

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-deps . \
    && useradd --system --create-home --uid 10001 kam

USER kam
WORKDIR /home/kam
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]

CMD ["kam-bot", "serve", "--host", "0.0.0.0"]
