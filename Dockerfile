# biobridge service image: build with `docker build -t biobridge .` (not built in CI here: no Docker
# engine on the build machines). Multi-stage: compile TypeScript with dev dependencies, then ship
# production dependencies and dist/ only, running as the unprivileged `node` user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The onnxruntime-web stub and the postinstall that prunes other platforms' binaries (README, Install footprint).
COPY stubs ./stubs
COPY scripts/prune-platform-binaries.mjs ./scripts/
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# BIOBRIDGE_INDEX may also be s3://<bucket>/<prefix> (see compose.yaml); remote versions are
# downloaded into BIOBRIDGE_INDEX_CACHE, which the unprivileged user can write.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8787 LOG_FORMAT=json BIOBRIDGE_INDEX=/data/index \
    BIOBRIDGE_INDEX_CACHE=/tmp/biobridge-index-cache
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/stubs ./stubs
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node prompts ./prompts
# Read at run time relative to dist/: structural alerts (molecule filters) and the web UI.
COPY --chown=node:node data/chem ./data/chem
COPY --chown=node:node web ./web
USER node
EXPOSE 8787
# Liveness only: /health (readiness) answers 503 while a required check fails.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/biobridge.js", "serve"]
