/** Screenshots of key states, saved to e2e/artifacts/screens/<journey>--<state>.png. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { SCREENS_DIR } from './paths';

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

export async function saveScreenshot(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${slug(testInfo.title)}--${slug(state)}.png`);
  const shot = await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(state, { body: shot, contentType: 'image/png' });
}
