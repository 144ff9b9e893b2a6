# One image for every Emporium process (router, subgraphs, provisioning); docker-compose.yml
# picks the entry point per service. Services run TypeScript directly on Node 24.
FROM node:24-slim
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --no-audit --no-fund
ENV NODE_ENV=production NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning
USER node
