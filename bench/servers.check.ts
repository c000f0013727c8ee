// `npm run bench:check`: the bench's copy of wrangler.toml lifts only the local rate limits.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { withoutLocalRateLimits } from "./servers.ts";

test("the local [[ratelimits]] are lifted, the deployed environments' are kept", () => {
  const config = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
  const lifted = withoutLocalRateLimits(config);
  const limits = (text: string) => [...text.matchAll(/simple = \{ limit = (\d+), period = \d+ \}/g)].map((m) => Number(m[1]));
  const [before, after] = [limits(config), limits(lifted)];
  assert.equal(after.length, before.length);
  const local = 3; // caller, organization, failed authentications
  assert.ok(before.length >= 3 * local, "every environment declares its limiters");
  assert.deepEqual(after.slice(0, local), Array(local).fill(1_000_000_000));
  assert.deepEqual(after.slice(local), before.slice(local));
  assert.equal(lifted.replace(/limit = \d+/g, ""), config.replace(/limit = \d+/g, ""));
});
