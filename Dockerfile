# mockcasa: the ClientCasa API v1 sandbox.
#   docker build -t mockcasa .        docker run --rm -p 8080:8080 mockcasa
# The base is a build argument so the image can be built from a local base image.
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# Dependencies first, pinned by requirements.lock: this layer is reused until the lock changes.
COPY requirements.lock /src/requirements.lock
RUN python -m venv /opt/mockcasa \
 && /opt/mockcasa/bin/pip install -r /src/requirements.lock
COPY pyproject.toml setup.py MANIFEST.in README.md /src/
COPY mockcasa /src/mockcasa
COPY seeds /src/seeds
COPY scenarios /src/scenarios
COPY docs /src/docs
# Cut what is never used at run time: pip and setuptools, and Faker's locales but the ones seed
# generation reads (en_US, and en / en_GB its providers fall back to): 25 MB -> 5 MB. Generating
# the demo world then proves nothing it needs was cut (a missing locale fails the build here).
RUN /opt/mockcasa/bin/pip install --no-deps /src \
 && cd /opt/mockcasa/lib/python3*/site-packages/faker/providers \
 && find . -mindepth 2 -maxdepth 2 -type d ! -name en ! -name en_US ! -name en_GB ! -name __pycache__ \
      -exec rm -rf {} + \
 && /opt/mockcasa/bin/mockcasa validate /src/seeds/demo.yaml \
 && /opt/mockcasa/bin/pip uninstall -y pip setuptools

FROM ${BASE_IMAGE}
# No compiler, pip or build tree in this stage: only the virtualenv built above.
COPY --from=build /opt/mockcasa /opt/mockcasa
COPY seeds /app/seeds
COPY scenarios /app/scenarios
COPY docker/healthcheck.py /app/healthcheck.py
# /data belongs to the user, so a named volume mounted there for --state-file starts writable.
RUN useradd --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin mockcasa \
 && mkdir /data && chown 10001 /data
USER mockcasa
WORKDIR /app
ENV PATH=/opt/mockcasa/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MOCKCASA_HOST=0.0.0.0 \
    MOCKCASA_PORT=8080 \
    MOCKCASA_SEED=/app/seeds/default.yaml
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 CMD ["python", "/app/healthcheck.py"]
# Exec form: mockcasa is PID 1 and gets SIGTERM itself; aiohttp stops within a second.
ENTRYPOINT ["mockcasa"]
CMD ["serve"]
