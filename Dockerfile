# syntax=docker/dockerfile:1.7
# One image for every Bakery service: `docker run bakery:0.1.0 <service>` runs one service alone
# (as in compose and the Helm chart); `docker run bakery:0.1.0 start` runs all in one process.
# Node 24 runs the TypeScript sources directly (type stripping), so there is no compile step;
# the base tag is pinned to the exact Node release of the `node` dev dependency (a test checks it).
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# --- production dependencies only (no TypeScript, Biome or the npm Node binary)
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- the dashboard's web app (Vite, a dev dependency): built here, only web/dist is kept
FROM ${NODE_IMAGE} AS web
WORKDIR /app
COPY . .
RUN if [ -d web ]; then \
      npm ci --no-audit --no-fund && npm run build:web; \
    fi && mkdir -p web/dist

# --- runtime: sources, production node_modules and the built web app; runs as a non-root user
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    PORT=8080
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node src ./src
COPY --from=web --chown=node:node /app/web/dist ./web/dist
# The official image's unprivileged user (uid 1000); Kubernetes runAsNonRoot needs a numeric id.
USER 1000:1000
EXPOSE 8080
# Liveness of whatever service this container runs: every service (a worker via its health port)
# answers GET /healthz on PORT. No curl in the slim image, so Node's fetch does it.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "src/cli.ts"]
CMD ["start"]
