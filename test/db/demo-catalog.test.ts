import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import demoCatalog from "../../scripts/demo-catalog.sql?raw";

// `npm run dev` loads scripts/demo-catalog.sql after the migrations, on every start: it must
// apply over the current schema, and again over its own rows (a restart), keeping them.

/** The file's one statement, without its comment lines. */
const statement = demoCatalog
  .split("\n")
  .filter((line) => !line.startsWith("--"))
  .join("\n")
  .trim();

describe("scripts/demo-catalog.sql", () => {
  it("loads over the migrations, and again on the next start without changing a row", async () => {
    await env.DB.prepare(statement).run();
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
    await env.DB.prepare(statement).run();
    expect((await env.DB.prepare(keys).all()).results).toEqual(loaded);
  });
});
