/** Runs once per `playwright test`: fake microphone WAVs, a copy of the CDN build, the page server. */
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { generateMicrophoneSignals } from './audio-fixtures';
import { BUILT_CDN_DIR, CDN_DIR, PAGES_HOST, PAGES_PORT, SCREENS_DIR } from './paths';

function snapshotCdnBuild(): void {
  for (const file of ['softphone.js', 'softphone-engine.js']) {
    if (!existsSync(path.join(BUILT_CDN_DIR, file))) {
      throw new Error(`${BUILT_CDN_DIR}/${file} is missing: run \`npm run build\` first`);
    }
  }
  rmSync(CDN_DIR, { recursive: true, force: true });
  cpSync(BUILT_CDN_DIR, CDN_DIR, { recursive: true });
}

import { QUALITY_TABLE_FILE } from './quality-table';
import { startStaticServer } from './static-server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  rmSync(SCREENS_DIR, { recursive: true, force: true });
  rmSync(QUALITY_TABLE_FILE, { force: true });
  generateMicrophoneSignals();
  snapshotCdnBuild();
  const server = await startStaticServer(PAGES_HOST, PAGES_PORT);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
