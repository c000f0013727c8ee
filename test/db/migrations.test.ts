import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const db = env.MIGRATION_CHECK_DB;
const migration = (name: string) => {
  const found = env.TEST_MIGRATIONS.find((m) => m.name.startsWith(name));
  if (!found) throw new Error(`no migration ${name}; have ${env.TEST_MIGRATIONS.map((m) => m.name).join(", ")}`);
  return found;
};

describe("migrations over existing data", () => {
  it("0001_lifecycle backfills folded names and a distinct etag for rows written before it", async () => {
    await applyD1Migrations(db, [migration("0000_")]);
    const now = "2026-01-01T00:00:00.000Z";
    await db.batch([
      db.prepare("INSERT INTO segments (segment_type, segment_id, name, organization_id, created_at, updated_at) VALUES ('3P', 1, 'Frequent FLYERS', NULL, ?1, ?1)").bind(now),
      ...["a", "b"].map((suffix) =>
        db
          .prepare("INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at) VALUES (?1, 1234, ?2, 'AUDIENCE', 1, ?3, ?3)")
          .bind(`00000000-0000-7000-8000-00000000000${suffix}`, `Old GROUP ${suffix}`, now),
      ),
    ]);

    await applyD1Migrations(db, [migration("0000_"), migration("0001_")]);

    const segment = await db.prepare("SELECT name, name_folded FROM segments").first();
    expect(segment).toEqual({ name: "Frequent FLYERS", name_folded: "frequent flyers" });
    const groups = (await db.prepare("SELECT name_folded, etag FROM segment_groups ORDER BY id").all()).results;
    expect(groups.map((g) => g.name_folded)).toEqual(["old group a", "old group b"]);
    for (const g of groups) expect(g.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(groups[0]!.etag).not.toBe(groups[1]!.etag);
  });

  it("leaves the indexes the queries rely on", async () => {
    await applyD1Migrations(db, env.TEST_MIGRATIONS);
    const rows = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()).results;
    expect(rows.map((r) => r.name)).toEqual([
      "segment_groups_organization_created_idx",
      "segment_subgroup_members_once_per_subgroup",
      "segment_subgroup_members_segment_group_idx",
      "segments_organization_key_idx",
    ]);
  });
});
