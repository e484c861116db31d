/** Entry point of the bundle (dist/server.js). */
import os from 'node:os';
import { ConfigError, loadConfig } from './config.js';
import { IvrConfigError } from './ivr/config.js';
import { startMediaServer } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.nice !== undefined) {
    // RTP pacing is the first thing to suffer on a busy machine; ask for a larger CPU share.
    try {
      os.setPriority(config.nice);
    } catch (error) {
      process.stderr.write(
        `cannot set NICE=${config.nice} (needs CAP_SYS_NICE): ${(error as Error).message}\n`,
      );
    }
  }
  const server = await startMediaServer(config);
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
