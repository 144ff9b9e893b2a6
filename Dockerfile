# One image for every Emporium process (router, subgraphs, provisioning); docker-compose.yml
# picks the entry point per service. Services run TypeScript directly on Node 24.
FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY infra/package.json ./infra/package.json
COPY router/package.json ./router/package.json
COPY bench/package.json ./bench/package.json
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning
USER node
