// Reconnect storm, small (issue 11 §3; the 1,000-engine run is `npm run bench -- storm`):
// 100 engines (src/engine Phone on JsSIP in Node, bench/storm/fleet.mjs) registered to the
// SBC lose it at once when the Kamailio container restarts. Within 30 s of Kamailio's
// return every engine is registered again, in the engines' own state and in Kamailio's
// usrloc, and the SBC refused no REGISTER. Restarts Kamailio: runs before failover.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildStorm } from '../../bench/storm/build.mjs';
import { compose, RUN_DIR } from './lib.mjs';

const ENGINES = 100;
const GOAL_S = 30;
const bundle = join(tmpdir(), `storm-test-${process.pid}.mjs`);
after(() => rmSync(bundle, { force: true }));

test(`${ENGINES} engines are all registered again within ${GOAL_S} s of a Kamailio restart`, async () => {
  const { runStorm } = await import(await buildStorm(bundle));
  const result = await runStorm({
    count: ENGINES,
    prefix: `storm-${process.pid}`,
    runDir: RUN_DIR,
    restart: () => compose('restart', 'kamailio'),
    timeoutS: 120,
  });
  const curve = result.samples.map((s) => `${s.t.toFixed(1)}:${s.engines}/${s.kamailio}`).join(' ');
  assert.ok(result.initialOk, `the fleet registered first: ${JSON.stringify(result.initial)}`);
  assert.ok(result.lostAt !== undefined, `the engines noticed the restart: ${curve}`);
  assert.ok(result.kamailioBackAt !== undefined, `Kamailio came back: ${curve}`);
  assert.ok(result.enginesBackAt !== undefined, `every engine registered again: ${curve}`);
  assert.ok(result.kamailioAllAt !== undefined, `Kamailio holds every registration: ${curve}`);
  const recovery = Math.max(result.enginesBackAt, result.kamailioAllAt) - result.kamailioBackAt;
  assert.ok(
    recovery <= GOAL_S,
    `all back ${recovery.toFixed(1)} s after Kamailio returned: ${curve}`,
  );
  assert.deepEqual(result.refusals, [], 'no REGISTER refused');
  assert.equal(result.failedPhones, 0, 'no engine gave up');
});
