/**
 * The journeys' test object: `visitor(attrs)` opens the plain click-to-call page,
 * `agent('agent3')` opens the dashboard registered as that agent. Each widget lives in its
 * own browser context (own cookies, own permissions), closed when the test ends.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, test as base } from '@playwright/test';
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

interface JourneyFixtures {
  /**
   * Opens click-to-call.html; `attributes` override the element's (e.g. `{ target: 'echo' }`).
   * `microphone` launches a separate browser with that microphone signal or permission.
   */
  visitor: (attributes?: Record<string, string>, microphone?: MicrophoneOptions) => Promise<Widget>;
  /** Opens dashboard.html with `<sip-phone>` signing in as `agent`. */
  agent: (agent: AgentName, attributes?: Record<string, string>) => Promise<Widget>;
}

export const test = base.extend<JourneyFixtures>({
  visitor: async ({ browser }, use, testInfo) => {
    const contexts: BrowserContext[] = [];
    const ownBrowsers: Browser[] = [];
    await use(async (attributes = {}, microphone = undefined) => {
      let visitorBrowser = browser;
      if (microphone) {
        visitorBrowser = await launchChromium(microphone);
        ownBrowsers.push(visitorBrowser);
      }
      const context = await visitorBrowser.newContext({ ignoreHTTPSErrors: true });
      contexts.push(context);
      return Widget.open(context, testInfo, 'click-to-call.html', attributes);
    });
    await Promise.all(contexts.map((c) => c.close()));
    await Promise.all(ownBrowsers.map((b) => b.close()));
  },
  agent: async ({ browser }, use, testInfo) => {
    const contexts: BrowserContext[] = [];
    const agents: Widget[] = [];
    await use(async (agent, attributes = {}) => {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      contexts.push(context);
      const widget = await Widget.open(context, testInfo, 'dashboard.html', {
        'credentials-url': agentCredentialsUrl(agent),
        ...attributes,
      });
      agents.push(widget);
      return widget;
    });
    // Un-register, so no stale registration rings in a later journey.
    await Promise.all(agents.map((a) => a.stopPhone().catch(() => undefined)));
    await Promise.all(contexts.map((c) => c.close()));
  },
});

export { expect } from '@playwright/test';
