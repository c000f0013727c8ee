import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";
import { countingD1 } from "../helpers/counting-d1";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { tokenFor } from "../helpers/tokens";
import { SHARDED } from "../helpers/shards";

beforeEach(seedCatalog);

const get = async (path: string, organizations = [ORG]) => call("GET", path, { token: await tokenFor(organizations) });

describe("GET /segments/{segment_type}/{segment_id}", () => {
  it("returns a global segment exactly as PUT stored it", async () => {
    const put = await call("PUT", "/segments/CONTEXTUAL/6001", { token: await tokenFor([ORG]), json: { name: "Cyclists" } });
    expect(put.status, describeResponse(put)).toBe(201);
    const res = await get("/segments/CONTEXTUAL/6001", [OTHER_ORG]);
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body).toEqual({ data: put.body.data, meta: { status: "success", request_id: expect.any(String) } });
  });

  it("returns a segment of one of the caller's organizations", async () => {
    const res = await get("/segments/3P/301", [OTHER_ORG, ORG]);
    expect(res.status, describeResponse(res)).toBe(200);
    expect(res.body.data).toMatchObject({ segment_type: "3P", segment_id: 301, organization_id: ORG });
  });

  it("404 segment_not_found for another organization's segment, as for an absent one", async () => {
    const hidden = await get("/segments/3P/401");
    expect(hidden.status, describeResponse(hidden)).toBe(404);
    expect(hidden.body.errors).toEqual([{ code: "segment_not_found", message: "No 3P segment 401 is available to your organizations." }]);
    const absent = await get("/segments/3P/777777");
    expect(absent.status, describeResponse(absent)).toBe(404);
    expect(absent.body.errors).toEqual([{ code: "segment_not_found", message: "No 3P segment 777777 is available to your organizations." }]);
  });

  it("tells segment types apart: the same id under the other type is another segment", async () => {
    const res = await get("/segments/CONTEXTUAL/301");
    expect(res.status, describeResponse(res)).toBe(404);
  });

  it("400 on a malformed path, naming the parameter", async () => {
    for (const [path, field] of [
      ["/segments/3p/101", "segment_type"],
      ["/segments/CONTEXTUAL/0", "segment_id"],
      ["/segments/CONTEXTUAL/0101", "segment_id"],
    ] as const) {
      const res = await get(path);
      expect(res.status, `${path}: ${describeResponse(res)}`).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
    }
  });

  // The cost on one database; test/shards/costs.test.ts measures requests on three.
  it.skipIf(SHARDED)("costs one D1 query, found or not", async () => {
    for (const [path, status] of [["/segments/CONTEXTUAL/101", 200], ["/segments/3P/401", 404]] as const) {
      const { db, calls } = countingD1(env.DB);
      const res = await call("GET", path, { token: await tokenFor([ORG]), env: { DB: db } });
      expect(res.status, describeResponse(res)).toBe(status);
      expect(calls.map((c) => c.statements)).toEqual([1]);
    }
  });
});
