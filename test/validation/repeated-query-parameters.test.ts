import { beforeAll, describe, expect, it } from "vitest";
import documentText from "../../assets/openapi.json?raw";
import { call, describeResponse } from "../helpers/api";
import { seedCatalog, validGroup } from "../helpers/fixtures";
import { createGroup } from "../helpers/segment-groups";
import { tokenFor } from "../helpers/tokens";
import { sketchBytes } from "../sketch/theta-fixtures";

beforeAll(seedCatalog);

// Every operation with query parameters, and a value of each (valid, but for the opaque
// cursors: given twice, no value is read), repeated below.
const QUERIES: Record<string, Record<string, string>> = {
  "GET /segment_groups": { organization_id: "1234", type: "CONTEXTUAL", status: "true", q: "a", segment: "3P:201", view: "full", limit: "2", cursor: "x" },
  "GET /segment_groups/changes": { organization_id: "1234", limit: "2", after: "x" },
  "GET /segment_groups/{id}/versions": { limit: "2", cursor: "x" },
  "GET /segments": { organization_id: "1234", type: "3P", q: "a", limit: "2", cursor: "x" },
  "GET /segments/{segment_type}/{segment_id}": { organization_id: "1234" },
  "DELETE /segments/{segment_type}/{segment_id}": { organization_id: "1234" },
  "GET /usage": { organization_id: "1234" },
  "PUT /segments/{segment_type}/{segment_id}/sketch": { organization_id: "1234", lg_k: "12" },
  "GET /segments/{segment_type}/{segment_id}/sketch": { organization_id: "1234" },
  "DELETE /segments/{segment_type}/{segment_id}/sketch": { organization_id: "1234" },
  "PUT /reach/universe": { lg_k: "12" },
  "POST /segment_groups": { dry_run: "true" },
  "PATCH /segment_groups/{id}": { dry_run: "true" },
};

describe("a query parameter given more than once", () => {
  it("covers every operation with query parameters", () => {
    const document = JSON.parse(documentText) as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
    const withQuery: Record<string, string[]> = {};
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const names = (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
        if (names.length > 0) withQuery[`${method.toUpperCase()} ${path}`] = names.sort();
      }
    }
    expect(withQuery).toEqual(Object.fromEntries(Object.entries(QUERIES).map(([route, query]) => [route, Object.keys(query).sort()])));
  });

  it("is one invalid_type problem that says so, for every parameter of every route", async () => {
    const token = await tokenFor([1234]);
    const id = (await createGroup()).body.data.id;
    for (const [route, query] of Object.entries(QUERIES)) {
      const [method, template] = route.split(" ") as [string, string];
      const path = template.replace("{id}", id).replace("{segment_type}", "3P").replace("{segment_id}", "301");
      for (const [name, value] of Object.entries(query)) {
        const url = `${path}?${name}=${encodeURIComponent(value)}&${name}=${encodeURIComponent(value)}`;
        const sketch = method === "PUT" && /sketch|universe/.test(path);
        const res = sketch
          ? await call(method, url, { token, rawBody: sketchBytes("tiny"), headers: { "Content-Type": "application/octet-stream" } })
          : await call(method, url, { token, json: method === "GET" ? undefined : method === "POST" ? validGroup() : { name: "x" } });
        expect(res.status, `${route} ${name}: ${describeResponse(res)}`).toBe(400);
        expect(res.body.errors, `${route} ${name}`).toEqual([{ code: "invalid_type", field: name, message: "is given more than once; send it once" }]);
      }
    }
  });

  it("is reported with the request's other problems; an unknown parameter given twice stays unknown_field", async () => {
    const token = await tokenFor([1234]);
    const res = await call("GET", "/segment_groups?limit=2&limit=0&type=nope&foo=1&foo=2", { token });
    expect(res.body.errors.map((e: { code: string; field: string }) => [e.field, e.code]).sort()).toEqual([
      ["foo", "unknown_field"],
      ["limit", "invalid_type"],
      ["type", "invalid_value"],
    ]);
  });
});
