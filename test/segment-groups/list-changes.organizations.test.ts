import { beforeAll, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { callWithUsage } from "../helpers/d1-usage";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { copyEvents } from "../helpers/seed-events";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeAll(seedCatalog);

const groupFor = (org: number, name: string) =>
  validGroup({ organization_id: org, name, segment_subgroup: [{ segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] }] });

/** Follows the feed with `token` from the start, `limit` events a page; every event and the D1 rows each page read. */
async function follow(token: string, limit: number) {
  const events: { id: string; organization: number }[] = [];
  const rowsRead: number[] = [];
  let after = "";
  for (;;) {
    const { res, usage } = await callWithUsage("GET", `/segment_groups/changes?limit=${limit}${after ? `&after=${after}` : ""}`, { token });
    expect(res.status, describeResponse(res)).toBe(200);
    events.push(...res.body.data.map((e: any) => ({ id: e.id, organization: e.data.organization_id })));
    rowsRead.push(usage.d1_rows_read);
    after = res.body.meta.next_cursor;
    if (!res.body.meta.has_more) return { events, rowsRead };
  }
}

// A token may name up to 1,000 organizations (src/auth): the feed reads each one's run of its
// index, merged in commit order, in one statement whatever their number.
describe("GET /segment_groups/changes — tokens of many organizations", () => {
  for (const count of [1, 6, 50, 1000]) {
    it(`gives a token of ${count} organization(s) its events, in commit order, each once, at a cost set by the page`, async () => {
      const base = 1_000_000 * count;
      const organizations = Array.from({ length: count }, (_, i) => base + i + 1);
      const outsider = base + 5000;
      // Writers in a few of the organizations (the first and the last included) and one
      // outside the token, taking turns so that their events interleave.
      const writers = [...new Set([organizations[0]!, organizations[Math.floor(count / 2)]!, organizations.at(-1)!, outsider])];
      const expected: { id: string; organization: number }[] = [];
      for (let round = 0; round < 3; round++) {
        for (const org of writers) {
          const created = await call("POST", "/segment_groups", { token: await tokenFor([org]), json: groupFor(org, `round ${round}`) });
          expect(created.status, describeResponse(created)).toBe(201);
          if (org !== outsider) expected.push({ id: created.body.data.id, organization: org });
        }
      }
      const token = await tokenFor(organizations);
      const { events, rowsRead } = await follow(token, 4);
      expect(events).toEqual(expected);

      // 2,000 more events outside the token change nothing the token's first page reads.
      await copyEvents(expected[0]!.id, 2000, outsider);
      const first = await callWithUsage("GET", "/segment_groups/changes?limit=4", { token });
      expect(first.res.body.data.map((e: any) => e.id)).toEqual(expected.slice(0, 4).map((e) => e.id));
      expect(first.usage.d1_rows_read).toBe(rowsRead[0]);
      console.info(`rows read per page of 4 events, ${count} organizations: ${rowsRead.join(", ")}`);
      // Two per organization (its id, one index probe), and about ten per event of the page (the
      // merge's queue, the event, the page budget's running sum), whatever the feed holds.
      // Over three shards (npm run test:shards) each shard reads its page of its organizations, and
      // the directory two or three rows per organization this isolate has no placement of: here most
      // have none (they never wrote), and an absent placement is never cached (directory.ts).
      const bound = SHARDED ? 5 * count + 3 * 10 * (4 + 1) + 2 : 2 * count + 10 * (4 + 1);
      for (const rows of rowsRead) expect(rows).toBeLessThanOrEqual(bound);
      // A token of 1,000 organizations spends 1,000 rate-limit units a request (src/middleware/rate-limit.ts).
    }, 120_000);
  }
});
