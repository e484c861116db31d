/**
 * Issue 11 §3, "the page": a visitor closes the tab in the middle of a call. The far end
 * must not be left holding a call nobody is on (it would wait for its RTP timeout, 30 s by
 * default): it receives the BYE within a few seconds. And the end-of-call quality report
 * still reaches `stats-url`, since that is exactly when reports are sent (the engine posts
 * them with sendBeacon, which browsers deliver while a page unloads).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type JsonSchema, schemaProblems } from '../../testkit/json-schema';
import { BEACON_PATH, receivedBeacons } from '../support/beacon-collector';
import { expect, test } from '../support/fixtures';
import { entryOfType, waitForTimelineEntry } from '../support/media-server';
import { REPO_ROOT } from '../support/paths';

const REPORT_SCHEMA = path.join(REPO_ROOT, 'src/engine/quality/report.schema.json');
/** "Within a few seconds": a BYE leaves as the page goes; the bound is for a loaded machine. */
const BYE_WITHIN_MS = 10_000;

test('a visitor closes the tab mid-call: the far end gets a BYE and the report reaches stats-url', async ({
  visitor,
}) => {
  const widget = await visitor({ target: 'echo', 'stats-url': BEACON_PATH });
  await widget.launcher.click();
  await widget.expectCallState('active');
  const sipCallId = await widget.outgoingCallId();
  await widget.expectPacketsFlowingBothWays();
  // The report names the engine's call (not the SIP Call-ID): read it while the page lives.
  const engineCallId = (await widget.call())?.id;
  expect(engineCallId, 'the engine call behind the widget').toBeTruthy();

  const closedAt = Date.now();
  await widget.page.close({ runBeforeUnload: true });

  const bye = await waitForTimelineEntry(
    sipCallId,
    entryOfType('bye', { by: 'remote' }),
    'BYE from the closed page',
    BYE_WITHIN_MS,
  );
  await waitForTimelineEntry(sipCallId, entryOfType('ended'), 'call ended', BYE_WITHIN_MS);
  test.info().annotations.push({
    type: 'tab closed → BYE at the media server',
    description: `${((bye.t - closedAt) / 1000).toFixed(2)} s`,
  });

  let beacon: { contentType: string; body: string; receivedAt: number } | undefined;
  await expect
    .poll(
      async () => {
        beacon = (await receivedBeacons()).find((b) => b.body.includes(engineCallId!));
        return beacon !== undefined;
      },
      { message: 'the call report beacon at the collector', timeout: BYE_WITHIN_MS },
    )
    .toBe(true);
  const report: unknown = JSON.parse(beacon!.body);
  const schema = JSON.parse(readFileSync(REPORT_SCHEMA, 'utf8')) as JsonSchema;
  expect(schemaProblems(schema, report), 'beacon against report.schema.json').toEqual([]);
  expect(report).toMatchObject({ callId: engineCallId });
  test.info().annotations.push({
    type: 'tab closed → report beacon at stats-url',
    description: `${((beacon!.receivedAt - closedAt) / 1000).toFixed(2)} s`,
  });
});
