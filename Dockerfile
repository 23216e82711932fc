# Vigie service image. The CLI runs the TypeScript sources through tsx (a runtime dependency),
# so there is no build step: install production dependencies, copy the sources.
FROM node:20-slim

ENV NODE_ENV=production \
    VIGIE_DATA_DIR=/data
WORKDIR /app

# Dependencies first, so source edits do not reinstall them. chdb's native engine comes from
# its per-platform npm package (linux x64/arm64, glibc: hence -slim, not -alpine).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY services ./services
COPY streams ./streams
COPY features ./features
COPY detectors ./detectors

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080

CMD ["node", "services/cli/bin.cjs", "start"]
