/**
 * The journeys' test object: `visitor(attrs)` opens the plain click-to-call page,
 * `agent('agent3')` opens the dashboard registered as that agent. Each widget lives in its
 * own browser context (own cookies, own permissions), closed when the test ends.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, test as base, type TestInfo } from '@playwright/test';
import { launchChromium, type MicrophoneOptions } from './browser';
import { BACKEND_RUN_DIR, CREDENTIALS_ORIGIN } from './paths';
import { Widget } from './widget';

export type AgentName = `agent${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`;

export function agentKey(): string {
  return readFileSync(path.join(BACKEND_RUN_DIR, 'agent-key'), 'utf8').trim();
}

export function agentCredentialsUrl(agent: AgentName): string {
  const query = new URLSearchParams({ agent, key: agentKey() });
  return `${CREDENTIALS_ORIGIN}/credentials/agent?${query}`;
}

export interface OpenOptions {
  /** Launch a separate browser with this microphone signal or permission. */
  microphone?: MicrophoneOptions;
  /** Runs on the new context before the page loads (e.g. `context.route(...)`). */
  prepare?: (context: BrowserContext) => Promise<void>;
}

interface JourneyFixtures {
  /** Opens click-to-call.html; `attributes` override the element's (e.g. `{ target: 'echo' }`). */
  visitor: (attributes?: Record<string, string>, options?: OpenOptions) => Promise<Widget>;
  /** Opens dashboard.html with `<sip-phone>` signing in as `agent`. */
  agent: (
    agent: AgentName,
    attributes?: Record<string, string>,
    options?: OpenOptions,
  ) => Promise<Widget>;
}

/** Opens widgets in fresh contexts; `close()` stops their phones and closes everything. */
function widgetOpener(browser: Browser, testInfo: TestInfo) {
  const contexts: BrowserContext[] = [];
  const ownBrowsers: Browser[] = [];
  const widgets: Widget[] = [];
  return {
    async open(
      file: 'click-to-call.html' | 'dashboard.html',
      attributes: Record<string, string>,
      { microphone, prepare }: OpenOptions = {},
    ): Promise<Widget> {
      let target = browser;
      if (microphone) {
        target = await launchChromium(microphone);
        ownBrowsers.push(target);
      }
      const context = await target.newContext({ ignoreHTTPSErrors: true });
      contexts.push(context);
      await prepare?.(context);
      const widget = await Widget.open(context, testInfo, file, attributes);
      widgets.push(widget);
      return widget;
    },
    async close(): Promise<void> {
      if (testInfo.status !== testInfo.expectedStatus) {
        for (const [i, w] of widgets.entries()) {
          const lines = w.wire.messages.map(
            (m) => `--- ${new Date(m.at).toISOString().slice(11, 23)} ${m.direction}\n${m.raw}`,
          );
          const events = (await w.events().catch(() => [])).map((e) => JSON.stringify(e));
          const file = testInfo.outputPath(`${w.tag}-${i}-sip-and-events.txt`);
          writeFileSync(file, [...lines, '', ...events].join('\n'));
          await testInfo.attach(`${w.tag}-${i}-sip-and-events.txt`, { path: file });
        }
      }
      // Un-register and hang up, so nothing stale rings or lingers in a later journey.
      await Promise.all(widgets.map((w) => w.stopPhone().catch(() => undefined)));
      await Promise.all(contexts.map((c) => c.close()));
      await Promise.all(ownBrowsers.map((b) => b.close()));
    },
  };
}

export const test = base.extend<JourneyFixtures>({
  visitor: async ({ browser }, use, testInfo) => {
    const opener = widgetOpener(browser, testInfo);
    await use((attributes = {}, options = {}) =>
      opener.open('click-to-call.html', attributes, options),
    );
    await opener.close();
  },
  agent: async ({ browser }, use, testInfo) => {
    const opener = widgetOpener(browser, testInfo);
    await use((agent, attributes = {}, options = {}) =>
      opener.open(
        'dashboard.html',
        { 'credentials-url': agentCredentialsUrl(agent), ...attributes },
        options,
      ),
    );
    await opener.close();
  },
});

export { expect } from '@playwright/test';
