// Standalone emulator process (`npm run emulator`). Environment:
//   EMULATOR_PORT         port (default 8025)
//   EMULATOR_HOST         interface (default 127.0.0.1; 0.0.0.0 in containers)
//   EMULATOR_ORG          organisation JSON file (default: the demo organisation)
//   EMULATOR_DATA         persist mailboxes in this JSON file (default: memory only)
//   EMULATOR_CONTROL_API  1 to serve /_emulator/ (default off)
//   EMULATOR_AUTH         comma list of basic,ntlm,forms (default all three)
//   EMULATOR_TLS_KEY, EMULATOR_TLS_CERT  PEM files: serve https instead of http
//   LOG_LEVEL             pino level (default info)
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { startEmulator } from './index.ts';

const env = process.env;
const logger = pino({ level: env.LOG_LEVEL ?? 'info' });
const port = Number(env.EMULATOR_PORT ?? '8025');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  logger.fatal({ port: env.EMULATOR_PORT }, 'EMULATOR_PORT must be a port number');
  process.exit(1);
}
const schemes = (env.EMULATOR_AUTH ?? 'basic,ntlm,forms').split(',').map((s) => s.trim().toLowerCase());

try {
  const emulator = await startEmulator({
    host: env.EMULATOR_HOST ?? '127.0.0.1',
    port,
    orgPath: env.EMULATOR_ORG || undefined,
    persistPath: env.EMULATOR_DATA || undefined,
    controlApi: env.EMULATOR_CONTROL_API === '1',
    logger,
    auth: { basic: schemes.includes('basic'), ntlm: schemes.includes('ntlm'), forms: schemes.includes('forms') },
    tls: env.EMULATOR_TLS_KEY && env.EMULATOR_TLS_CERT ? { key: readFileSync(env.EMULATOR_TLS_KEY), cert: readFileSync(env.EMULATOR_TLS_CERT) } : undefined,
  });
  logger.info({ url: emulator.url }, `Exchange 2003 emulator at ${emulator.url}/exchange/`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (err) {
  logger.fatal({ err }, 'emulator failed to start');
  process.exit(1);
}
