import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";
import { MAX_SKETCH_BYTES } from "../../src/sketch";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { seedSegments, snapshotTables } from "../helpers/db";
import { ORG, OTHER_ORG, seedCatalog } from "../helpers/fixtures";
import { ACCEPTED_VECTORS, putSketch } from "../helpers/sketches";
import { tokenFor } from "../helpers/tokens";
import { relativeDifference, sketchBytes } from "../sketch/theta-fixtures";

// Storage lasts for the whole file: each test starts without sketches.
beforeEach(async () => {
  await seedCatalog();
  await env.DB.prepare("DELETE FROM segment_sketches").run();
});

const tenant = (organizations = [ORG]) => tokenFor(organizations, TENANT_PERMISSIONS);
const sketchRows = async () => (await env.DB.prepare("SELECT count(*) AS n FROM segment_sketches").first<{ n: number }>())!.n;

describe("PUT /segments/{segment_type}/{segment_id}/sketch", () => {
  it("201 for a segment's first sketch, 200 when it replaces it; the answer is DataSketches' figures for the bytes", async () => {
    const first = await putSketch("/segments/3P/301/sketch?lg_k=10", sketchBytes("sports"), { token: await tenant() });
    expect(first.status, describeResponse(first)).toBe(201);
    const sports = ACCEPTED_VECTORS.find((v) => v.name === "sports")!;
    expect(first.body.data).toEqual({
      segment_type: "3P",
      segment_id: 301,
      organization_id: ORG,
      estimate: sports.estimate,
      lower_bound: expect.any(Number),
      upper_bound: expect.any(Number),
      retained_entries: sports.retained_entries,
      theta: sports.theta,
      lg_k: 10,
      size_bytes: sports.bytes,
      updated_at: expect.any(String),
    });
    const again = await putSketch("/segments/3P/301/sketch", sketchBytes("travel"), { token: await tenant() });
    expect(again.status, describeResponse(again)).toBe(200);
    expect(again.body.data).toMatchObject({ retained_entries: ACCEPTED_VECTORS.find((v) => v.name === "travel")!.retained_entries, lg_k: null });
  });

  it.each(ACCEPTED_VECTORS.map((v) => [v.name, v] as const))("%s: estimate, bounds, theta and entries as DataSketches read them", async (name, vector) => {
    const res = await putSketch("/segments/CONTEXTUAL/101/sketch", sketchBytes(name), { token: await tokenFor([ORG]) });
    expect(res.status, describeResponse(res)).toBeLessThan(300);
    expect(res.body.data.retained_entries).toBe(vector.retained_entries);
    expect(res.body.data.theta).toBe(vector.theta);
    for (const key of ["estimate", "lower_bound", "upper_bound"] as const) {
      expect(relativeDifference(res.body.data[key], vector[key]), `${key}: ${res.body.data[key]} against ${vector[key]}`).toBeLessThanOrEqual(1e-9);
    }
  });

  it("keeps the bytes unchanged: GET with Accept: application/octet-stream returns them", async () => {
    for (const name of ["compressed_estimation_lg10", "exact_unordered", "empty", "single_item"]) {
      expect((await putSketch("/segments/3P/201/sketch", sketchBytes(name), { token: await tokenFor([ORG]) })).status).toBeLessThan(300);
      const res = await fetchBytes("/segments/3P/201/sketch");
      expect(res.headers.get("Content-Type")).toBe("application/octet-stream");
      expect(new Uint8Array(await res.arrayBuffer()), name).toEqual(sketchBytes(name));
    }
  });

  it("400 invalid_sketch with the decoder's reason, storing nothing", async () => {
    const sports = sketchBytes("sports");
    const cases: [string, Uint8Array, RegExp][] = [
      ["another seed", sketchBytes("wrong_seed"), /seed hash/],
      ["truncated", sports.slice(0, sports.length - 3), /truncated/],
      ["trailing bytes", Uint8Array.from([...sports, 0]), /trailing/],
      ["too short", Uint8Array.from([1, 3, 3]), /at least 8/],
      ["another family", Uint8Array.from(sports, (b, i) => (i === 2 ? 2 : b)), /family/],
      ["empty body", new Uint8Array(0), /0 bytes/],
    ];
    for (const [label, bytes, reason] of cases) {
      const before = await snapshotTables();
      const res = await putSketch("/segments/3P/301/sketch", bytes, { token: await tenant() });
      expect(res.status, `${label}: ${describeResponse(res)}`).toBe(400);
      expect(errorsOf(res), label).toEqual([{ code: "invalid_sketch" }]);
      expect(res.body.errors[0].message, label).toMatch(reason);
      expect(await snapshotTables(), label).toEqual(before);
    }
    expect(await sketchRows()).toBe(0);
  });

  it("refuses a body over MAX_SKETCH_BYTES before reading it: by Content-Length, or as it streams in", async () => {
    const declared = await call("PUT", "/segments/3P/301/sketch", {
      token: await tenant(),
      rawBody: new Uint8Array(MAX_SKETCH_BYTES + 1),
      headers: { "Content-Type": "application/octet-stream" },
    });
    expect(declared.status, describeResponse(declared)).toBe(400);
    expect(declared.body.errors[0]).toMatchObject({ code: "invalid_sketch", message: expect.stringContaining(`is ${MAX_SKETCH_BYTES + 1} bytes long`) });
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536));
        if (pulled > 4 * MAX_SKETCH_BYTES) controller.close();
      },
    });
    const chunked = await call("PUT", "/segments/3P/301/sketch", { token: await tenant(), rawBody: stream, headers: { "Content-Type": "application/octet-stream" } });
    expect(chunked.status, describeResponse(chunked)).toBe(400);
    expect(chunked.body.errors[0].code).toBe("invalid_sketch");
    expect(pulled).toBeLessThan(2 * MAX_SKETCH_BYTES);
    expect(await sketchRows()).toBe(0);
  });

  it("415 unsupported_media_type for any other Content-Type", async () => {
    for (const type of ["application/json", "text/plain"]) {
      const res = await putSketch("/segments/3P/301/sketch", sketchBytes("tiny"), { token: await tenant(), contentType: type });
      expect(res.status, describeResponse(res)).toBe(415);
    }
  });

  it("lg_k: 5 to 26, and large enough for the sketch's retained entries", async () => {
    const cases: [string, string, string][] = [
      ["4", "lg_k", "too_small"],
      ["27", "lg_k", "too_large"],
      ["twelve", "lg_k", "invalid_value"],
      // sports retains 1,024 hashes: more than an lg_k 8 sketch (at most 512).
      ["8", "lg_k", "invalid_value"],
    ];
    for (const [value, field, code] of cases) {
      const res = await putSketch(`/segments/3P/301/sketch?lg_k=${value}`, sketchBytes("sports"), { token: await tenant() });
      expect(res.status, `${value}: ${describeResponse(res)}`).toBe(400);
      expect(errorsOf(res)).toEqual([{ code, field }]);
    }
    expect(await sketchRows()).toBe(0);
  });

  it("a global segment's sketch needs write:catalog: 403 for a tenant, 201 for the catalog admin", async () => {
    const refused = await putSketch("/segments/CONTEXTUAL/101/sketch", sketchBytes("tiny"), { token: await tenant() });
    expect(refused.status, describeResponse(refused)).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ code: "insufficient_permissions", message: expect.stringContaining("write:catalog") });
    expect(await sketchRows()).toBe(0);
    const admin = await putSketch("/segments/CONTEXTUAL/101/sketch", sketchBytes("tiny"), { token: await tokenFor([OTHER_ORG]) });
    expect(admin.status, describeResponse(admin)).toBe(201);
    expect(admin.body.data.organization_id).toBeNull();
  });

  it("another organization's segment answers exactly like a key nobody owns (404 segment_not_found)", async () => {
    const hidden = await putSketch("/segments/3P/401/sketch", sketchBytes("tiny"), { token: await tenant() });
    const free = await putSketch("/segments/3P/402/sketch", sketchBytes("tiny"), { token: await tenant() });
    for (const res of [hidden, free]) expect(res.status, describeResponse(res)).toBe(404);
    expect(hidden.body.errors[0].message.replace("401", "<id>")).toBe(free.body.errors[0].message.replace("402", "<id>"));
    expect(await sketchRows()).toBe(0);
  });

  it("400 required when several of the caller's organizations own the key; ?organization_id= picks one", async () => {
    await seedSegments([
      { segment_type: "3P", segment_id: 7301, organization_id: ORG },
      { segment_type: "3P", segment_id: 7301, organization_id: OTHER_ORG },
    ]);
    const both = await tenant([ORG, OTHER_ORG]);
    const ambiguous = await putSketch("/segments/3P/7301/sketch", sketchBytes("tiny"), { token: both });
    expect(ambiguous.status, describeResponse(ambiguous)).toBe(400);
    expect(errorsOf(ambiguous)).toEqual([{ code: "required", field: "organization_id" }]);
    const named = await putSketch(`/segments/3P/7301/sketch?organization_id=${OTHER_ORG}`, sketchBytes("tiny"), { token: both });
    expect(named.status, describeResponse(named)).toBe(201);
    expect(named.body.data.organization_id).toBe(OTHER_ORG);
    const foreign = await putSketch(`/segments/3P/7301/sketch?organization_id=${OTHER_ORG}`, sketchBytes("tiny"), { token: await tenant() });
    expect(foreign.status, describeResponse(foreign)).toBe(403);
    expect(foreign.body.errors[0].code).toBe("organization_forbidden");
  });
});

async function fetchBytes(path: string): Promise<Response> {
  const { exports } = await import("cloudflare:workers");
  return exports.default.fetch(new Request(`https://api.test${path}`, { headers: { Authorization: `Bearer ${await tokenFor([ORG])}`, Accept: "application/octet-stream" } }));
}
