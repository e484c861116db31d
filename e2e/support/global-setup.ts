/** Runs once per `playwright test`: fake microphone WAVs, then the static page server. */
import { generateMicrophoneSignals } from './audio-fixtures';
import { PAGES_HOST, PAGES_PORT } from './paths';
import { startStaticServer } from './static-server';

export default async function globalSetup(): Promise<() => Promise<void>> {
  generateMicrophoneSignals();
  const server = await startStaticServer(PAGES_HOST, PAGES_PORT);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
