FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
# The locked dependencies first (checked against their hashes), so code changes reuse the layer.
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps -e . \
    && SECRET_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "gfss.wsgi:application", "-c", "gunicorn.conf.py"]
