import { beforeEach, describe, expect, it } from "vitest";
import { MAX_ORGANIZATIONS_PER_TOKEN } from "../../src/auth/caller";
import { call, describeResponse } from "../helpers/api";
import type { ProtectedRoute } from "../helpers/auth-matrix";
import { seedSegments, snapshotTables } from "../helpers/db";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { PROTECTED_ROUTES } from "./protected-routes";

// Agencies hold dozens to thousands of advertisers: every route must answer a token of any size
// up to MAX_ORGANIZATIONS_PER_TOKEN, and refuse a larger one clearly.

beforeEach(seedCatalog);

/** ORG among `count` organizations (the others hold nothing), in the middle of the claim. */
function organizations(count: number): number[] {
  const others = Array.from({ length: count - 1 }, (_, i) => 5_000_000 + i);
  const middle = Math.floor(others.length / 2);
  return [...others.slice(0, middle), ORG, ...others.slice(middle)];
}

const SIZES = [1, 6, 50, MAX_ORGANIZATIONS_PER_TOKEN];
let unusedSegmentId = 8_800;

/**
 * Each route's request from the auth matrix (test/auth/protected-routes.ts): one that passes every
 * check, acting for ORG. The whole inventory, so a new route is covered by its row there; plus
 * the reads over all of a token's organizations (no `organization_id` filter).
 */
const REQUESTS: Record<string, Pick<ProtectedRoute, "path" | "json" | "headers" | "rawBody">> = {
  ...PROTECTED_ROUTES,
  // The row's 3P:301 is used by the groups other tests create: delete one no group uses.
  "DELETE /segments/{segment_type}/{segment_id}": {
    path: async () => {
      const id = unusedSegmentId++;
      await seedSegments([{ segment_type: "3P", segment_id: id, organization_id: ORG }]);
      return `/segments/3P/${id}`;
    },
  },
  "GET /segment_groups (every organization of the token)": { path: "/segment_groups" },
  "GET /segment_groups/changes (every organization of the token)": { path: "/segment_groups/changes" },
  "GET /segments (every organization of the token)": { path: "/segments" },
};

describe(`every route, for tokens of ${SIZES.join(", ")} organizations`, () => {
  for (const [key, route] of Object.entries(REQUESTS)) {
    // NOTE: unfiltered, GET /segment_groups/changes answers 503 database_unavailable for 6 and 50
    // organizations until the feed's query stops building one compound SELECT term per
    // organization (D1 allows 5; fixed on its own branch). Those two cases fail until that fix
    // is merged, and must then pass like every other.
    it.each(SIZES)(`${key} answers a token of %i organizations as the contract says, with 2xx`, async (count) => {
      const token = await tokenFor(organizations(count));
      const path = typeof route.path === "string" ? route.path : await route.path();
      // call() checks the answer against the OpenAPI document.
      const res = await call(key.slice(0, key.indexOf(" ")), path, { token, json: route.json, rawBody: route.rawBody, headers: route.headers });
      expect(res.status, `${key} with ${count} organizations: ${describeResponse(res)}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${key} with ${count} organizations: ${describeResponse(res)}`).toBeLessThan(300);
    });
  }
});

describe(`at most ${MAX_ORGANIZATIONS_PER_TOKEN} organizations per token`, () => {
  it(`refuses a token of ${MAX_ORGANIZATIONS_PER_TOKEN + 1} with 401 invalid_token, saying why, writing nothing`, async () => {
    const token = await tokenFor(organizations(MAX_ORGANIZATIONS_PER_TOKEN + 1));
    for (const [method, path, json] of [
      ["GET", `/segment_groups?organization_id=${ORG}`, undefined],
      ["PUT", "/segments/3P/778", { name: "Too many", organization_id: ORG }],
    ] as const) {
      const before = await snapshotTables();
      const res = await call(method, path, { token, json });
      expect(res.status, describeResponse(res)).toBe(401);
      expect(res.body.errors).toEqual([{ code: "invalid_token", message: `The access token names ${MAX_ORGANIZATIONS_PER_TOKEN + 1} organizations; at most ${MAX_ORGANIZATIONS_PER_TOKEN} are accepted.` }]);
      expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
      expect(await snapshotTables()).toEqual(before);
    }
  });

  it("counts distinct organizations: the same id repeated past the maximum is one", async () => {
    const token = await tokenFor([...Array(MAX_ORGANIZATIONS_PER_TOKEN + 1).fill(ORG), String(ORG)] as unknown as number[]);
    const res = await call("GET", `/segment_groups?organization_id=${ORG}`, { token });
    expect(res.status, describeResponse(res)).toBe(200);
  });
});
