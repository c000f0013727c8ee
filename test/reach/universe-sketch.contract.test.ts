import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { TENANT_PERMISSIONS } from "../../src/auth/permissions";
import { call, describeResponse, errorsOf } from "../helpers/api";
import { ORG } from "../helpers/fixtures";
import { putSketch } from "../helpers/sketches";
import { tokenFor } from "../helpers/tokens";
import { manifest, sketchBytes } from "../sketch/theta-fixtures";

beforeEach(async () => {
  await env.DB.prepare("DELETE FROM universe_sketch").run();
});

describe("PUT, GET and DELETE /reach/universe", () => {
  it("201 then 200; GET gives the metadata, or the bytes unchanged; DELETE removes it", async () => {
    const token = await tokenFor([ORG]);
    const first = await putSketch("/reach/universe?lg_k=12", sketchBytes("universe"), { token });
    expect(first.status, describeResponse(first)).toBe(201);
    const universe = manifest.sketches.find((v) => v.name === "universe")!;
    expect(first.body.data).toMatchObject({ estimate: universe.estimate, retained_entries: universe.retained_entries, theta: universe.theta, lg_k: 12, size_bytes: universe.bytes });
    const replaced = await putSketch("/reach/universe", sketchBytes("compressed_estimation_lg10"), { token });
    expect(replaced.status, describeResponse(replaced)).toBe(200);

    const read = await call("GET", "/reach/universe", { token });
    expect(read.body.data, describeResponse(read)).toEqual(replaced.body.data);
    const bytes = await exports.default.fetch(
      new Request("https://api.test/reach/universe", { headers: { Authorization: `Bearer ${token}`, Accept: "application/octet-stream" } }),
    );
    expect(new Uint8Array(await bytes.arrayBuffer())).toEqual(sketchBytes("compressed_estimation_lg10"));

    expect((await call("DELETE", "/reach/universe", { token })).status).toBe(204);
    for (const method of ["GET", "DELETE"]) {
      const gone = await call(method, "/reach/universe", { token });
      expect(gone.status, describeResponse(gone)).toBe(404);
      expect(errorsOf(gone)).toEqual([{ code: "sketch_not_found" }]);
    }
  });

  it("writing it needs write:catalog; reading it, read:segments", async () => {
    const tenant = await tokenFor([ORG], TENANT_PERMISSIONS);
    const refused = await putSketch("/reach/universe", sketchBytes("universe"), { token: tenant });
    expect(refused.status, describeResponse(refused)).toBe(403);
    expect((await call("GET", "/reach/universe", { token: tenant })).status).toBe(404);
  });

  it("400 invalid_sketch for bytes the decoder refuses, storing nothing", async () => {
    const res = await putSketch("/reach/universe", sketchBytes("wrong_seed"), { token: await tokenFor([ORG]) });
    expect(errorsOf(res)).toEqual([{ code: "invalid_sketch" }]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM universe_sketch").first<{ n: number }>())!.n).toBe(0);
  });
});
