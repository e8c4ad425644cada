# Roombook: one image for the app (and, with another command, the Exchange 2003 emulator).
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
ENV NODE_ENV=production PORT=3000 DATABASE_PATH=/data/app.db
VOLUME /data
EXPOSE 3000
USER node
CMD ["node", "--import", "tsx", "server/main.ts"]
