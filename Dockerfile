# Production image: gunicorn + whitenoise. Build: docker build -t mds-connectee .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 mds
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir uv && uv pip install --system --no-cache -r requirements.lock
COPY --chown=mds:mds . .
# collectstatic needs settings but no database: dummy values for the build step only.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput
USER mds
EXPOSE 8000
# config/gunicorn.conf.py: preload, WEB_CONCURRENCY workers, waits for PostgreSQL, access log without
# query strings. Celery (worker, beat) defaults to the production settings too (config/celery.py).
ENV WEB_CONCURRENCY=3 GUNICORN_WORKER_TMP_DIR=/dev/shm
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import os,urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': os.environ.get('ALLOWED_HOSTS','localhost').split(',')[0]}), timeout=3)"
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"]
