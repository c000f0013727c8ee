import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BACKLOG_TRIGGERS } from "../../src/db/segment-groups/backlog-triggers";
import { CATALOG_TRIGGERS, DOCUMENT_TRIGGERS } from "../../src/db/segments/integrity";

// Storage rules are written once (src/db/segments/integrity.ts, src/db/segment-groups/
// backlog-triggers.ts): the Worker's statements import them, and the triggers the migrations
// installed must be exactly their text, so the two cannot drift apart.
const normalized = (sql: string) => sql.replace(/\s+/g, " ").trim();

describe.each([
  ["catalog", CATALOG_TRIGGERS],
  ["canonical document", DOCUMENT_TRIGGERS],
  ["reverse index backlog", BACKLOG_TRIGGERS],
])("%s triggers", (_, triggers) => {
  it("are installed exactly as their module writes them", async () => {
    const installed = (await env.DB.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (SELECT value FROM json_each(?1)) ORDER BY name")
      .bind(JSON.stringify(Object.keys(triggers)))
      .all<{ name: string; sql: string }>()).results;
    expect(installed.map((t) => t.name)).toEqual(Object.keys(triggers).sort());
    for (const { name, sql } of installed) expect(normalized(sql), name).toBe(normalized(triggers[name]!));
  });
});
