# Lindung's container image (docs/operations.md "Containers"). Untested here: written to the
# Debian steps of that document; build with `docker build -t lindung .`.
#   docker run --env-file lindung.env -p 127.0.0.1:8000:8000 lindung            (the web server)
#   docker run --env-file lindung.env lindung worker                            (the worker)
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LINDUNG_VAR_DIR=/var/lib/lindung \
    LINDUNG_STATIC_ROOT=/opt/lindung/static \
    LINDUNG_WEB_HOST=0.0.0.0

# WeasyPrint (PDF reports) needs Pango and HarfBuzz, and a font.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 lindung \
 && useradd --system --uid 10001 --gid lindung --home-dir /var/lib/lindung --create-home \
      --shell /usr/sbin/nologin lindung

WORKDIR /opt/lindung/src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . \
 && python -m compileall -q /usr/local/lib/python3.11/site-packages/lindung

# Static files collected (and compressed) into the image, outside the var volume, so a new
# image never serves an old volume's copies. About a minute.
RUN lindung collectstatic --noinput -v 0 \
 && rm -f /var/lib/lindung/lindung.sqlite3* \
 && chown -R lindung:lindung /var/lib/lindung

USER lindung
WORKDIR /var/lib/lindung
VOLUME ["/var/lib/lindung"]
EXPOSE 8000
ENTRYPOINT ["lindung"]
CMD ["serve", "--host", "0.0.0.0"]
