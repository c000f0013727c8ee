import { describe, expect, it } from "vitest";
import { call, describeResponse } from "../helpers/api";

describe("the catalog's paths", () => {
  it("answer a method they do not serve with 405 and the methods they do", async () => {
    for (const [method, path, allow] of [
      ["POST", "/segments", "GET, HEAD"],
      ["PATCH", "/segments/3P/1", "GET, HEAD, PUT, DELETE"],
      ["GET", "/segments/bulk", "POST"],
      ["PUT", "/segments/bulk", "POST"],
    ] as const) {
      const res = await call(method, path);
      expect(res.status, `${method} ${path}: ${describeResponse(res)}`).toBe(405);
      expect(res.body.errors[0].code).toBe("method_not_allowed");
      expect(new Set(res.headers.get("Allow")!.split(", ")), `${method} ${path}`).toEqual(new Set(allow.split(", ")));
    }
  });
});
