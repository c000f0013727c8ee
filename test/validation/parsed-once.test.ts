import { Hono } from "hono";
import { HonoRequest } from "hono/request";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import type { AppEnv } from "../../src/app-env";
import { handleError } from "../../src/errors";
import { requireJsonBody } from "../../src/middleware/json-body";
import { validate } from "../../src/validation/validate";

// A route with the API's body chain: the validated value is echoed, errors go through the envelope.
const schema = z.strictObject({ name: z.string(), tags: z.array(z.string()) });
function appWith(chain: "json-body" | "validator only") {
  const app = new Hono<AppEnv>();
  app.onError(handleError);
  const handler = (c: { req: { valid(target: "json"): unknown } } & { json(v: unknown): Response }) => c.json(c.req.valid("json"));
  if (chain === "json-body") app.post("/", requireJsonBody, validate("json", schema), (c) => handler(c));
  else app.post("/", validate("json", schema), (c) => handler(c));
  return app;
}
const post = (app: Hono<AppEnv>, body: string) =>
  app.request("/", { method: "POST", body, headers: { "Content-Type": "application/json", "Content-Length": String(body.length) } });

afterEach(() => vi.restoreAllMocks());

describe('validate("json") after requireJsonBody', () => {
  it("validates the value requireJsonBody parsed, without reading the body through c.req.json() again", async () => {
    const reread = vi.spyOn(HonoRequest.prototype, "json");
    const res = await post(appWith("json-body"), JSON.stringify({ name: "a", tags: ["x", "y"] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "a", tags: ["x", "y"] });
    expect(reread).not.toHaveBeenCalled();
  });

  it("reports the problems of that value in the error envelope", async () => {
    const res = await post(appWith("json-body"), JSON.stringify({ name: 1, tags: [2], extra: true }));
    expect(res.status).toBe(400);
    const { errors } = (await res.json()) as { errors: { field?: string }[] };
    expect(errors.map((e) => e.field).sort()).toEqual(["extra", "name", "tags[0]"]);
  });

  it("without requireJsonBody before it, still reads and validates the body itself", async () => {
    const res = await post(appWith("validator only"), JSON.stringify({ name: "b", tags: [] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "b", tags: [] });
  });
});
