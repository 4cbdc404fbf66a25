# Loopin API image: build the dependencies in one stage, run as a non-root user in a slim second stage.
#   docker build -t loopin .
#   docker run --env-file .env -p 8000:8000 loopin            (web; see compose.yaml for the whole stack)
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY loopin ./loopin
# Install the pinned dependencies (with S3 storage support), then drop the package itself:
# the runtime stage runs the source from /app so templates and migrations come along as files.
RUN pip install '.[s3]' && pip uninstall -y loopin

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/app/var \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
RUN groupadd --system --gid 10001 loopin \
    && useradd --system --uid 10001 --gid loopin --home-dir /app --shell /usr/sbin/nologin loopin
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=root:root manage.py pyproject.toml ./
COPY --chown=root:root loopin ./loopin
# Bytecode at build time: the source is root's and PYTHONDONTWRITEBYTECODE is set, so without this every worker
# start would compile our ~540 modules again (~0.4 s of its import-to-ready).
RUN python -m compileall -q loopin
RUN mkdir -p /app/var/media /app/var/static /tmp/prometheus && chown -R loopin:loopin /app/var /tmp/prometheus
USER loopin
EXPOSE 8000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=2).status == 200 else 1)"]
# One uvicorn worker per core; SIGTERM drains in-flight requests for up to 30 s (compose stop_grace_period > 30 s).
CMD ["python", "-m", "loopin.config.serve", "--host", "0.0.0.0", "--port", "8000", "--graceful-timeout", "30"]
