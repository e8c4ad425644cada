import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startApp } from './start.ts';

/** Composition root: config → database → app → listen; drains on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const app = await startApp(config, log);
  log.info(
    {
      event: 'app.listening',
      url: `http://localhost:${app.server.address() && (app.server.address() as { port: number }).port}`,
      mode: config.embedded ? 'embedded' : 'exchange',
    },
    'roombook is running',
  );

  const shutdown = (signal: string) => {
    log.info({ event: 'app.stopping', signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
