import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SKETCH_TRIGGERS } from "../../src/db/sketches/integrity";

describe("the sketch triggers", () => {
  it("are installed exactly as src/db/sketches/integrity.ts writes them", async () => {
    const names = Object.keys(SKETCH_TRIGGERS);
    const { results } = await env.DB.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (SELECT value FROM json_each(?1))`)
      .bind(JSON.stringify(names))
      .all<{ name: string; sql: string }>();
    expect(Object.fromEntries(results.map((r) => [r.name, r.sql]))).toEqual(SKETCH_TRIGGERS);
  });
});
