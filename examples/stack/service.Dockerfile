# The example service (examples/service) built from this repository.
# Build context: the repository root (see docker-compose.yml); ignores: service.Dockerfile.dockerignore.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsup.preset.ts ./
COPY packages ./packages
COPY examples ./examples
COPY test/package.json ./test/package.json
RUN npm ci --no-audit --no-fund \
 && npm run build -w @ai-margin/provider-sim -w @ai-margin/instrumentation -w @ai-margin/processor

# The example's own libraries (openai, @anthropic-ai/sdk, the OTel SDK, prom-client) are root
# devDependencies of this repository, so node_modules is kept whole.
FROM node:24-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
WORKDIR /app/examples/service
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
EXPOSE 8080
USER node
CMD ["node", "--import", "./telemetry.mjs", "server.mjs"]
