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
COPY staff ./staff
COPY sandbox ./sandbox
COPY templates ./templates
COPY static ./static
COPY manage.py ./
# collectstatic runs under the production settings so that the image holds the hashed, compressed
# files and the manifest that production's storage (CompressedManifestStaticFilesStorage) reads.
# Production settings refuse to load without SECRET_KEY, ALLOWED_HOSTS, PORTAL_BASE_URL and the
# SNS topics: this one command gets throwaway values, set for it alone (they are not kept in
# the image's environment and nothing signed with them outlives the build). The real ones come
# at run time.
RUN pip install . \
    && PORTAL_ENVIRONMENT=production \
       SECRET_KEY=build-time-only-collectstatic-key-not-used-at-run-time-0123456789 \
       ALLOWED_HOSTS=build.invalid PORTAL_BASE_URL=https://build.invalid \
       SNS_REGISTRATION_TOPIC_ARNS=arn:aws:sns:us-east-1:000000000000:build-only \
       EUM_EVENTS_TOPIC_ARN=arn:aws:sns:us-east-1:000000000000:build-only \
       python manage.py collectstatic --noinput \
    && test -f /app/staticfiles/staticfiles.json \
    && mkdir -p /app/var && chown -R portal:portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
