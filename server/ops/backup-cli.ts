// npm run backup -- <file>            online copy of DATABASE_PATH (the app may keep running)
// npm run restore -- <file> [--force] checked restore into DATABASE_PATH (stop the app first)
import { databasePathFrom } from '../config.ts';
import { BackupError, backupDatabase, restoreDatabase } from './backup.ts';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const force = rest.includes('--force');
  const files = rest.filter((a) => !a.startsWith('--'));
  if ((command !== 'backup' && command !== 'restore') || files.length !== 1) {
    console.error('usage: npm run backup -- <file>\n       npm run restore -- <file> [--force]');
    return 2;
  }
  const dbPath = databasePathFrom(process.env);
  const file = files[0]!;
  try {
    if (command === 'backup') {
      const started = performance.now();
      const r = await backupDatabase(dbPath, file);
      console.log(JSON.stringify({ event: 'backup.done', from: dbPath, to: file, ms: Math.round(performance.now() - started), ...r }));
    } else {
      const r = await restoreDatabase(file, dbPath, { force });
      console.log(JSON.stringify({ event: 'restore.done', from: file, to: dbPath, ...r }));
    }
    return 0;
  } catch (err) {
    if (err instanceof BackupError) {
      console.error(`${command} failed: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
