import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedSegments } from "../helpers/db";
import { ORG, seedCatalog } from "../helpers/fixtures";
import { putSketch } from "../helpers/sketches";
import { tokenFor } from "../helpers/tokens";
import { sketchBytes } from "../sketch/theta-fixtures";

beforeEach(async () => {
  await seedCatalog();
  await env.DB.prepare("DELETE FROM segment_sketches").run();
});

describe("GET (and DELETE) /segments/{segment_type}/{segment_id}/sketch", () => {
  it("GET gives what PUT answered; DELETE removes the sketch and keeps the segment", async () => {
    const token = await tokenFor([ORG], TENANT_PERMISSIONS);
    const put = await putSketch("/segments/3P/301/sketch?lg_k=10", sketchBytes("auto"), { token });
    const read = await call("GET", "/segments/3P/301/sketch", { token });
    expect(read.status, describeResponse(read)).toBe(200);
    expect(read.body.data).toEqual(put.body.data);
    expect((await call("DELETE", "/segments/3P/301/sketch", { token })).status).toBe(204);
    for (const method of ["GET", "DELETE"]) {
      const gone = await call(method, "/segments/3P/301/sketch", { token });
      expect(errorsOf(gone), method).toEqual([{ code: "sketch_not_found" }]);
    }
    expect((await call("GET", "/segments/3P/301", { token })).status).toBe(200);
  });

  it("a global segment's sketch: every organization reads it, only the catalog admin deletes it", async () => {
    await putSketch("/segments/3P/202/sketch", sketchBytes("tiny"), { token: await tokenFor([ORG]) });
    const tenant = await tokenFor([ORG], TENANT_PERMISSIONS);
    expect((await call("GET", "/segments/3P/202/sketch", { token: await tokenFor([77], TENANT_PERMISSIONS) })).status).toBe(200);
    const refused = await call("DELETE", "/segments/3P/202/sketch", { token: tenant });
    expect(refused.status, describeResponse(refused)).toBe(403);
    expect((await call("DELETE", "/segments/3P/202/sketch", { token: await tokenFor([ORG]) })).status).toBe(204);
  });

  it("404 segment_not_found for another organization's segment, exactly as for a free key", async () => {
    for (const method of ["GET", "DELETE"]) {
      const hidden = await call(method, "/segments/3P/401/sketch", { token: await tokenFor([ORG]) });
      const free = await call(method, "/segments/3P/402/sketch", { token: await tokenFor([ORG]) });
      expect(errorsOf(hidden), method).toEqual([{ code: "segment_not_found" }]);
      expect(hidden.body.errors[0].message.replace("401", "<id>")).toBe(free.body.errors[0].message.replace("402", "<id>"));
    }
  });

  it("a segment's sketch goes with the segment", async () => {
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 8101, organization_id: ORG }]);
    const token = await tokenFor([ORG]);
    expect((await putSketch("/segments/CONTEXTUAL/8101/sketch", sketchBytes("tiny"), { token })).status).toBe(201);
    expect((await call("DELETE", "/segments/CONTEXTUAL/8101", { token })).status).toBe(204);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM segment_sketches WHERE segment_id = 8101").first<{ n: number }>();
    expect(rows!.n).toBe(0);
    // A new segment under the key starts without a sketch.
    await seedSegments([{ segment_type: "CONTEXTUAL", segment_id: 8101, organization_id: ORG }]);
    expect(errorsOf(await call("GET", "/segments/CONTEXTUAL/8101/sketch", { token }))).toEqual([{ code: "sketch_not_found" }]);
  });
});
