/** Entry point of the bundle (dist/server.js). */
import { ConfigError, loadConfig } from './config.js';
import { IvrConfigError } from './ivr/config.js';
import { startMediaServer } from './server.js';

async function main(): Promise<void> {
  const server = await startMediaServer(loadConfig(process.env));
  const shutdown = (): void => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: Error) => {
  const expected = error instanceof ConfigError || error instanceof IvrConfigError;
  process.stderr.write(`media server failed to start: ${expected ? error.message : error.stack}\n`);
  process.exit(1);
});
