# The portal's image: web (gunicorn), Celery worker and scheduler all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings

WORKDIR /app
RUN useradd --create-home --uid 1000 portal
COPY pyproject.toml README.md ./
COPY portal ./portal
COPY tenants ./tenants
COPY registrations ./registrations
COPY compliance ./compliance
COPY messaging ./messaging
COPY sandbox ./sandbox
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install . \
    && PORTAL_ENVIRONMENT=development python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R portal:portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
