# The pipeline image: one build for every role (scan, serve, run -c …).
FROM node:20-bookworm AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# detectors/ and the snapshot script: the build snapshots the parsed catalogue (faster start-up).
COPY detectors ./detectors
COPY scripts/snapshot-detectors.mjs ./scripts/
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY detectors ./detectors
COPY pipelines ./pipelines
COPY samples ./samples
USER node
ENTRYPOINT ["node", "/app/bin/k8s-audit.js"]
CMD ["--help"]
