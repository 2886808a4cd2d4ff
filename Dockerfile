# One image for web, streams, worker and beat; docker-compose.yml picks the command.
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# collectstatic needs settings that boot; these values exist only during the build.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0
RUN useradd --create-home --uid 1000 helpdesk && chown -R helpdesk /app
USER helpdesk
EXPOSE 8000 8001
CMD ["python", "manage.py", "web", "--port", "8000"]
