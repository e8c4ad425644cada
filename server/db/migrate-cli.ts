import { loadConfig } from '../config.ts';
import { openDatabase } from './connection.ts';
import { migrate } from './migrate.ts';

const config = loadConfig();
const db = openDatabase(config.databasePath);
const version = migrate(db);
db.close();
console.log(`database ${config.databasePath} is at schema version ${version}`);
