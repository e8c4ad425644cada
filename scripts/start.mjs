// `npm start`: compile (scripts/build.mjs), then run the compiled app in this same process, so that signals (SIGTERM
// from systemd or a container engine) reach the app itself and no shell or loader sits between them.
import { pathToFileURL } from 'node:url';
import { buildApp } from './build.mjs';

const main = await buildApp();
// Errors' stacks name the TypeScript files and lines, as they did under tsx.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(main).href);
