# syntax=docker/dockerfile:1
# Roombook: one image for the app (and, with another command, the Exchange 2003 emulator).
# Two stages: the first has the compilers better-sqlite3 may need and installs the production modules; the second
# holds only Node, those modules and the app, and runs as the unprivileged `node` user.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000 DATABASE_PATH=/data/app.db
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json package-lock.json tsconfig.json ./
COPY --chown=root:root db ./db
COPY --chown=root:root emulator ./emulator
COPY --chown=root:root locales ./locales
COPY --chown=root:root public ./public
COPY --chown=root:root scripts/build.mjs ./scripts/build.mjs
COPY --chown=root:root server ./server
COPY --chown=root:root views ./views
# Compiled once, at build time, into .build/ (root-owned like the rest): the app then runs without a TypeScript loader.
RUN node scripts/build.mjs
# The app's files stay root-owned and read-only to the app; only /data (the database volume) is the app's.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 3000
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# As `npm start`: V8's old-space cap HEAP_LIMIT_MB (default 1024) also sizes how far the heap grows past what is live.
CMD ["sh", "-c", "exec node --enable-source-maps --max-old-space-size=${HEAP_LIMIT_MB:-1024} .build/server/main.js"]
