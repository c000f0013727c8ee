import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import demoCatalog from "../../scripts/demo-catalog.sql?raw";

// `npm run dev` loads scripts/demo-catalog.sql after the migrations, on every start: it must
// apply over the current schema, and again over its own rows (a restart), keeping them.

/** The file's statements (the catalog, then its sketches), without its comment lines. */
const statements = demoCatalog
  .split("\n")
  .filter((line) => !line.startsWith("--"))
  .join("\n")
  .split(/;\s*\n/)
  .map((sql) => sql.trim().replace(/;$/, ""))
  .filter(Boolean);
const load = () => env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));

describe("scripts/demo-catalog.sql", () => {
  it("loads over the migrations, and again on the next start without changing a row", async () => {
    await load();
    const keys = "SELECT segment_type, segment_id, organization_id, name FROM segments WHERE segment_id IN (101, 102, 103, 201, 202, 301) ORDER BY segment_type, segment_id";
    const loaded = (await env.DB.prepare(keys).all()).results;
    expect(loaded.map((r) => `${r.segment_type}:${r.segment_id}:${r.organization_id ?? "global"}`)).toEqual([
      "3P:201:global",
      "3P:202:global",
      "3P:301:1234",
      "CONTEXTUAL:101:global",
      "CONTEXTUAL:102:global",
      "CONTEXTUAL:103:global",
    ]);
    const sketches = "SELECT segment_type, segment_id, version FROM segment_sketches ORDER BY 1, 2";
    const sketched = (await env.DB.prepare(sketches).all()).results;
    expect(sketched.length, "every demo segment has its sketch").toBeGreaterThanOrEqual(6);
    await load();
    expect((await env.DB.prepare(keys).all()).results).toEqual(loaded);
    expect((await env.DB.prepare(sketches).all()).results).toEqual(sketched);
  });
});
