/**
 * The journeys' test object: `visitor(attrs)` opens the plain click-to-call page,
 * `agent('agent3')` opens the dashboard registered as that agent. Each widget lives in its
 * own browser context (own cookies, own permissions), closed when the test ends.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, test as base, type TestInfo } from '@playwright/test';
import { launchChromium, type MicrophoneOptions } from './browser';
import { BACKEND_RUN_DIR, CREDENTIALS_ORIGIN, PAGES_ORIGIN } from './paths';
import { type TestPage, Widget } from './widget';

export type AgentName = `agent${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`;

/** The agent's own password, from the file written at first start (backend/credentials/agents.mjs). */
export function agentPassword(agent: AgentName): string {
  const file = path.join(BACKEND_RUN_DIR, 'agent-passwords');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, password] = line.trim().split(' ');
    if (name === agent && password) return password;
  }
  throw new Error(`no password for ${agent} in ${file}`);
}

/**
 * Signs `agent` in as the customer's dashboard would: a cross-site `fetch` from the
 * test pages' origin to `POST /session`, which leaves the HttpOnly session cookie in
 * `context`. The widget's credentials fetch (`credentials: 'include'`) then carries it.
 */
export async function signInAgent(context: BrowserContext, agent: AgentName): Promise<void> {
  const page = await context.newPage();
  try {
    // Any document of the pages' origin will do; this path is a plain 404 page, no widget.
    await page.goto(`${PAGES_ORIGIN}/sign-in`);
    const status = await page.evaluate(
      async ({ url, body }) => {
        const response = await fetch(url, {
          method: 'POST',
          credentials: 'include',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        return response.status;
      },
      {
        url: `${CREDENTIALS_ORIGIN}/session`,
        body: JSON.stringify({ agent, password: agentPassword(agent) }),
      },
    );
    if (status !== 200) throw new Error(`signing in ${agent} answered ${status}`);
  } finally {
    await page.close();
  }
}

export interface OpenOptions {
  /** Launch a separate browser with this microphone signal or permission. */
  microphone?: MicrophoneOptions;
  /** Runs on the new context before the page loads (e.g. `context.route(...)`). */
  prepare?: (context: BrowserContext) => Promise<void>;
  /** The visitor's page: click-to-call.html unless given. */
  page?: Exclude<TestPage, 'dashboard.html'>;
}

export interface JourneyFixtures {
  /** Opens click-to-call.html; `attributes` override the element's (e.g. `{ target: 'echo' }`). */
  visitor: (attributes?: Record<string, string>, options?: OpenOptions) => Promise<Widget>;
  /** Opens dashboard.html with `<sip-phone>`, `agent` signed in (a session cookie). */
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
      file: TestPage,
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
      // Other tabs of a widget's page (Widget.openAnotherTab) go first: stopping the phone
      // of the tab that owns it would hand the registration to them.
      const own = new Set(widgets.map((w) => w.page));
      const others = contexts.flatMap((c) => c.pages()).filter((page) => !own.has(page));
      await Promise.all(others.map((page) => page.close()));
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
      opener.open(options.page ?? 'click-to-call.html', attributes, options),
    );
    await opener.close();
  },
  agent: async ({ browser }, use, testInfo) => {
    const opener = widgetOpener(browser, testInfo);
    await use((agent, attributes = {}, options = {}) =>
      opener.open('dashboard.html', attributes, {
        ...options,
        prepare: async (context) => {
          await signInAgent(context, agent);
          await options.prepare?.(context);
        },
      }),
    );
    await opener.close();
  },
});

export { expect } from '@playwright/test';
