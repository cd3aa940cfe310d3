# syntax=docker/dockerfile:1.7
# One image for every Bakery service: `docker run bakery:0.1.0 <service>` runs one service alone
# (as in compose and the Helm chart); `docker run bakery:0.1.0 start` runs all in one process.
# Node 24 runs the TypeScript sources directly (type stripping), so there is no compile step.
# The base is the official image of the exact Node release of the `node` dev dependency, pinned
# by the digest of its multi-architecture index (a test checks both). Where no registry is
# reachable, scripts/image/build.sh passes a base built from Debian packages instead.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim@sha256:2fe369e969550cde8e867afc3fe370b260140cab4a23d467074295b42163d553
# The stages whose output does not depend on the target CPU run on the build machine's own
# architecture, so an arm64 image built on amd64 emulates nothing at build time.
ARG BUILD_NODE_IMAGE=${NODE_IMAGE}

# --- production dependencies only (no TypeScript, Biome or the npm Node binary). npm picks the
# optional native packages (e.g. a CRC32 binding) for the target CPU, not the build machine's.
FROM --platform=$BUILDPLATFORM ${BUILD_NODE_IMAGE} AS deps
ARG TARGETARCH
WORKDIR /app
COPY package.json package-lock.json ./
RUN cpu="$(case "${TARGETARCH:-amd64}" in amd64) echo x64 ;; *) echo "${TARGETARCH}" ;; esac)" && \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --os=linux --cpu="$cpu" --libc=glibc && \
    npm cache clean --force

# --- the dashboard's web app (Vite, a dev dependency): built here, only web/dist is kept.
# Dependencies first, so a source change reuses the installed layer.
FROM --platform=$BUILDPLATFORM ${BUILD_NODE_IMAGE} AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY scripts/build-web.ts ./scripts/
COPY web ./web
COPY src ./src
RUN node scripts/build-web.ts --force
# .bakery/ (telemetry store, generated token) exists in the image owned by the runtime user, so a
# volume mounted there (compose, podman) starts out writable for it.
RUN mkdir -p /app/.bakery

# --- runtime: sources, production node_modules and the built web app; runs as a non-root user
# (--platform spelled out: buildah 1.28 otherwise keeps the previous stage's build platform.)
FROM --platform=$TARGETPLATFORM ${NODE_IMAGE} AS runtime
# HOST=0.0.0.0: in a container the service must answer on the pod/container address; the code's
# own default is loopback. The telemetry store and other state go under /data (a volume).
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node src ./src
COPY --from=web --chown=node:node /app/web/dist ./web/dist
COPY --from=web --chown=node:node /app/.bakery ./.bakery
# The official image's unprivileged user (uid 1000); Kubernetes runAsNonRoot needs a numeric id.
USER 1000:1000
EXPOSE 8080
# Liveness of whatever service this container runs: every service (a worker via its health port)
# answers GET /healthz on PORT. No curl in the slim image, so Node's fetch does it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "src/cli.ts"]
CMD ["start"]
