import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ChangeRow } from "../../src/db/segment-groups/changes";
import { fromGroupSnapshot, GROUP_COLUMNS, toSegmentGroup, type SegmentGroupRow } from "../../src/db/segment-groups/row";
import { Database } from "../../src/db/database";
import { subgroupsDocument } from "../../src/db/segment-groups/document";
import { groupKeysUsingSegmentSql, mergeBacklog } from "../../src/db/segment-groups/member-index";

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

  it("0002_storage_floor moves every group into its document and the reverse index, with foreign keys on", async () => {
    await applyD1Migrations(db, [migration("0000_"), migration("0001_")]);
    // D1 always enforces foreign keys (it ignores PRAGMA foreign_keys=OFF); so does this test.
    expect(await db.prepare("PRAGMA foreign_keys").first()).toEqual({ foreign_keys: 1 });
    const now = "2026-01-01T00:00:00.000Z";
    const [a, b, empty] = ["d", "e", "f"].map((s) => `00000000-0000-7000-8000-00000000000${s}`);
    await db.batch([
      db.prepare(
        `INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at)
         VALUES ('CONTEXTUAL', 101, 'x', 'x', NULL, ?1, ?1), ('3P', 201, 'y', 'y', NULL, ?1, ?1), ('3P', 301, 'z', 'z', 1234, ?1, ?1)`,
      ).bind(now),
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag)
         VALUES (?1, 1234, 'A', 'AUDIENCE', 1, ?4, ?4, 'a', 'e1'), (?2, 1234, 'B', 'CONTEXTUAL', 0, ?4, ?4, 'b', 'e2'), (?3, 1234, 'C', 'CONTEXTUAL', 1, ?4, ?4, 'c', 'e3')`,
      ).bind(a, b, empty, now),
      // Inserted out of position order, and 101 twice in group a: both must survive as the API showed them.
      db.prepare("INSERT INTO segment_subgroups (group_id, position, segment_operator) VALUES (?1, 1, 'OR'), (?1, 0, 'AND'), (?2, 0, 'OR')").bind(a, b),
      db.prepare(
        `INSERT INTO segment_subgroup_members (group_id, subgroup_position, position, segment_type, segment_id) VALUES
         (?1, 0, 1, 'CONTEXTUAL', 101), (?1, 0, 0, '3P', 301), (?1, 1, 0, 'CONTEXTUAL', 101), (?2, 0, 0, '3P', 201)`,
      ).bind(a, b),
    ]);

    await applyD1Migrations(db, [migration("0000_"), migration("0001_"), migration("0002_")]);

    const groups = (await db.prepare("SELECT id, name, status, etag, subgroups, member_count FROM segment_groups WHERE id IN (?1, ?2, ?3) ORDER BY id").bind(a, b, empty).all()).results;
    expect(groups).toEqual([
      {
        id: a, name: "A", status: 1, etag: "e1", member_count: 3,
        subgroups: JSON.stringify([
          { segment_operator: "AND", segment_members: [{ segment_id: 301, segment_type: "3P" }, { segment_id: 101, segment_type: "CONTEXTUAL" }] },
          { segment_operator: "OR", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] },
        ]),
      },
      { id: b, name: "B", status: 0, etag: "e2", member_count: 1, subgroups: JSON.stringify([{ segment_operator: "OR", segment_members: [{ segment_id: 201, segment_type: "3P" }] }]) },
      { id: empty, name: "C", status: 1, etag: "e3", member_count: 0, subgroups: "[]" },
    ]);
    const index = (await db.prepare("SELECT segment_type, segment_id, group_id FROM segment_group_members ORDER BY 1, 2, 3").all()).results;
    expect(index).toEqual([
      { segment_type: "3P", segment_id: 201, group_id: b },
      { segment_type: "3P", segment_id: 301, group_id: a },
      { segment_type: "CONTEXTUAL", segment_id: 101, group_id: a },
    ]);
    const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'segment%' ORDER BY name").all()).results;
    expect(tables.map((t) => t.name)).toEqual(["segment_group_members", "segment_groups", "segments"]);
    // The catalog is untouched, and still guarded: a used segment cannot go.
    expect(await db.prepare("SELECT count(*) AS n FROM segments WHERE segment_id IN (101, 201, 301)").first()).toEqual({ n: 3 });
    await expect(db.prepare("DELETE FROM segments WHERE segment_type = '3P' AND segment_id = 201").run()).rejects.toThrow(/FOREIGN KEY/);
    // The triggers follow later writes: deleting a migrated group frees its segments.
    await db.prepare("DELETE FROM segment_groups WHERE id = ?").bind(b).run();
    expect(await db.prepare("SELECT count(*) AS n FROM segment_group_members WHERE group_id = ?").bind(b).first()).toEqual({ n: 0 });
    await db.prepare("DELETE FROM segments WHERE segment_type = '3P' AND segment_id = 201").run();
  });

  it("0003_group_logic makes every group AND and every subgroup explicitly included, as new writes store them", async () => {
    const before = [migration("0000_"), migration("0001_"), migration("0002_")];
    await applyD1Migrations(db, before);
    const now = "2026-01-01T00:00:00.000Z";
    const [a, empty] = ["a1", "a2"].map((s) => `00000000-0000-7000-8000-0000000000${s}`);
    // Documents exactly as 0002 and the code before it wrote them: no `exclude` key.
    const old = [
      { segment_operator: "OR", segment_members: [{ segment_id: 301, segment_type: "3P" }, { segment_id: 101, segment_type: "CONTEXTUAL" }] },
      { segment_operator: "AND", segment_members: [{ segment_id: 101, segment_type: "CONTEXTUAL" }] },
    ];
    await db.batch([
      db.prepare(
        `INSERT OR IGNORE INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at)
         VALUES ('CONTEXTUAL', 101, 'x', 'x', NULL, ?1, ?1), ('3P', 301, 'z', 'z', 1234, ?1, ?1)`,
      ).bind(now),
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag, subgroups, member_count)
         VALUES (?1, 1234, 'A', 'AUDIENCE', 1, ?3, ?3, 'a', 'e1', ?4, 3), (?2, 1234, 'B', 'CONTEXTUAL', 0, ?3, ?3, 'b', 'e2', '[]', 0)`,
      ).bind(a, empty, now, JSON.stringify(old)),
    ]);

    await applyD1Migrations(db, [...before, migration("0003_")]);

    const groups = (await db.prepare("SELECT id, subgroup_operator, subgroups, member_count, etag FROM segment_groups WHERE id IN (?1, ?2) ORDER BY id").bind(a, empty).all()).results;
    // Byte for byte what a write of the same subgroups stores now (key order included).
    const written = subgroupsDocument(old.map((s) => ({ ...s, exclude: false })) as Parameters<typeof subgroupsDocument>[0]).json;
    expect(groups.map(({ etag: _, ...g }) => g)).toEqual([
      { id: a, subgroup_operator: "AND", subgroups: written, member_count: 3 },
      { id: empty, subgroup_operator: "AND", subgroups: "[]", member_count: 0 },
    ]);
    expect(written).toContain('{"segment_operator":"OR","exclude":false,"segment_members":[{"segment_id":301,');
    // A new version for each: its representation changed, so an old ETag must not earn a 304.
    expect(groups.map((g) => g.etag)).not.toContain("e1");
    expect(groups.map((g) => g.etag)).not.toContain("e2");
    // The reverse index is unchanged, and only AND and OR fit the new column.
    const index = (await db.prepare("SELECT segment_type, segment_id FROM segment_group_members WHERE group_id = ? ORDER BY 1, 2").bind(a).all()).results;
    expect(index).toEqual([{ segment_type: "3P", segment_id: 301 }, { segment_type: "CONTEXTUAL", segment_id: 101 }]);
    await expect(db.prepare("UPDATE segment_groups SET subgroup_operator = 'XOR' WHERE id = ?").bind(a).run()).rejects.toThrow(/CHECK constraint/);
  });

  it("0004_change_feed gives every existing group one event holding its current version, oldest write first", async () => {
    const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0004_");
    await applyD1Migrations(db, before);
    expect(await db.prepare("PRAGMA foreign_keys").first()).toEqual({ foreign_keys: 1 });
    const [created, edited] = ["b1", "b2"].map((s) => `00000000-0000-7000-8000-0000000000${s}`);
    const doc = JSON.stringify([{ segment_operator: "OR", exclude: false, segment_members: [{ segment_id: 7001, segment_type: "3P" }] }]);
    await db.batch([
      db.prepare("INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at) VALUES ('3P', 7001, 'x', 'x', NULL, ?1, ?1)").bind("2026-01-01T00:00:00.000Z"),
      // Written by the schema before 0004; `edited` was last written before `created`, so its event comes first.
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag, subgroups, member_count)
         VALUES (?1, 77, 'Created', 'AUDIENCE', 1, '2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', 'created', 'v1', ?3, 1),
                (?2, 77, 'Edited', 'CONTEXTUAL', 0, '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', 'edited', 'v2', ?3, 1)`,
      ).bind(created, edited, doc),
    ]);

    await applyD1Migrations(db, env.TEST_MIGRATIONS.filter((m) => m.name < "0005_"));

    const rows = (await db.prepare(`SELECT ${GROUP_COLUMNS} FROM segment_groups WHERE id IN (?1, ?2) ORDER BY id`).bind(created, edited).all<SegmentGroupRow>()).results;
    for (const row of rows) expect([row.created_by, row.updated_by]).toEqual([null, null]);
    const events = (
      await db.prepare("SELECT position, group_id, change, version, changed_at, changed_by, data FROM segment_group_changes WHERE organization_id = 77 ORDER BY position").all<ChangeRow>()
    ).results;
    expect(events.map((e) => [e.group_id, e.change, e.version, e.changed_at, e.changed_by])).toEqual([
      [edited, "updated", "v2", "2026-02-01T00:00:00.000Z", null],
      [created, "created", "v1", "2026-03-01T00:00:00.000Z", null],
    ]);
    // Each copy reads back exactly as the API shows the group (GROUP_COLUMNS, all of them).
    for (const event of events) expect(fromGroupSnapshot(event.data!)).toEqual(toSegmentGroup(rows.find((r) => r.id === event.group_id)!));
    expect(await db.prepare("SELECT id, purged_through FROM change_feed_retention").all().then((r) => r.results)).toEqual([{ id: 1, purged_through: 0 }]);
    await expect(db.prepare("INSERT INTO change_feed_retention (id, purged_through) VALUES (2, 0)").run()).rejects.toThrow(/CHECK/);
    // Positions keep growing after the backfill, and the reverse index still follows deletes.
    await db.prepare("DELETE FROM segment_groups WHERE id = ?").bind(edited).run();
    await db.prepare("DELETE FROM segments WHERE segment_type = '3P' AND segment_id = 7001").run().catch(() => undefined);
    expect(await db.prepare("SELECT count(*) AS n FROM segment_group_members WHERE group_id = ?").bind(edited).first()).toEqual({ n: 0 });
  });

  it("0005_idempotency adds the key table beside existing groups, with foreign keys on", async () => {
    const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0005_");
    await applyD1Migrations(db, before);
    expect(await db.prepare("PRAGMA foreign_keys").first()).toEqual({ foreign_keys: 1 });
    const id = "00000000-0000-7000-8000-000000000005";
    await db.prepare(
      `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag)
       VALUES (?1, 1234, 'Kept', 'AUDIENCE', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'kept', 'e5')`,
    ).bind(id).run();

    await applyD1Migrations(db, [...before, migration("0005_")]);

    expect(await db.prepare("SELECT name, etag FROM segment_groups WHERE id = ?").bind(id).first()).toEqual({ name: "Kept", etag: "e5" });
    const key = db.prepare("INSERT INTO idempotency_keys VALUES ('auth0|a', 'POST /segment_groups', 'k', 'f', 201, '{}', '2026-01-02T00:00:00.000Z')");
    await key.run();
    // The scope is the primary key: one key, one answer.
    await expect(key.run()).rejects.toThrow(/UNIQUE/);
    const ddl = await db.prepare("SELECT sql FROM sqlite_master WHERE name = 'idempotency_keys'").first<{ sql: string }>();
    expect(ddl!.sql).toMatch(/WITHOUT ROWID\s*$/);
  });

  it("0006_member_index_backlog re-keys the complete index by index_key, starts an empty backlog, and queues later writes, with foreign keys on", async () => {
    const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0006_");
    await applyD1Migrations(db, before);
    expect(await db.prepare("PRAGMA foreign_keys").first()).toEqual({ foreign_keys: 1 });
    const now = "2026-01-01T00:00:00.000Z";
    const [a, b, c] = ["00000000-0000-7000-8000-00000000006a", "00000000-0000-7000-8000-00000000006b", "00000000-0000-7000-8000-00000000006c"];
    const docOf = (ids: number[]) =>
      subgroupsDocument([{ segment_operator: "OR", exclude: false, segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "CONTEXTUAL" as const })) }]).json;
    const group = (id: string, ids: number[], createdAt = now) =>
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag, subgroups, member_count)
         VALUES (?1, 1234, 'G', 'CONTEXTUAL', 1, ?2, ?2, 'g', 'e', ?3, ?4)`,
      ).bind(id, createdAt, docOf(ids), ids.length);
    await db.batch([
      db.prepare("INSERT INTO segments (segment_type, segment_id, name, name_folded, created_at, updated_at) VALUES ('CONTEXTUAL', 61, 'x', 'x', ?1, ?1), ('CONTEXTUAL', 62, 'y', 'y', ?1, ?1), ('CONTEXTUAL', 63, 'z', 'z', ?1, ?1)").bind(now),
      // Indexed by 0002's triggers, as the schema before 0006 did; b is older than a.
      group(a, [61, 62]),
      group(b, [62], "2025-12-31T00:00:00.000Z"),
    ]);
    const byId = async () => (await db.prepare("SELECT group_id, segment_id FROM segment_group_members ORDER BY 1, 2").all()).results;
    const indexedBefore = await byId();

    await applyD1Migrations(db, [...before, migration("0006_")]);

    // Every group got a key in creation order, and the index holds exactly the same rows by key.
    const keys = (await db.prepare("SELECT id, index_key FROM segment_groups ORDER BY created_at, id").all<{ id: string; index_key: number }>()).results;
    expect(keys.map((k) => k.index_key)).toEqual(keys.map((_, i) => i + 1));
    const idOf = new Map(keys.map((k) => [k.index_key, k.id]));
    const byKey = async () =>
      (await db.prepare("SELECT group_key, segment_id FROM segment_group_members ORDER BY 1, 2").all<{ group_key: number; segment_id: number }>()).results
        .map((r) => ({ group_id: idOf.get(r.group_key), segment_id: r.segment_id }))
        .sort((x, y) => (x.group_id! < y.group_id! ? -1 : x.group_id! > y.group_id! ? 1 : x.segment_id - y.segment_id));
    expect(await byKey()).toEqual(indexedBefore);
    expect(indexedBefore).toContainEqual({ group_id: a, segment_id: 61 });
    expect(await db.prepare("SELECT count(*) AS n FROM segment_group_index_backlog").first()).toEqual({ n: 0 });
    const ddl = await db.prepare("SELECT sql FROM sqlite_master WHERE name = 'segment_group_members'").first<{ sql: string }>();
    expect(ddl!.sql).toMatch(/WITHOUT ROWID\s*$/);
    expect(ddl!.sql).not.toMatch(/REFERENCES/);

    // Writes now queue instead of indexing (a raw insert gets the next key); a merge levels the index with the documents.
    await group(c, [63]).run();
    await db.prepare("UPDATE segment_groups SET subgroups = ?2, member_count = 1 WHERE id = ?1").bind(a, docOf([63])).run();
    const aKey = keys.find((k) => k.id === a)!.index_key;
    const cKey = (await db.prepare("SELECT index_key FROM segment_groups WHERE id = ?").bind(c).first<{ index_key: number }>())!.index_key;
    expect(cKey).toBe(keys.length + 1);
    idOf.set(cKey, c);
    expect(await byKey()).toEqual(indexedBefore);
    expect((await db.prepare("SELECT group_key, members, members_through, indexed_subgroups IS NULL AS fresh FROM segment_group_index_backlog ORDER BY seq").all()).results).toEqual([
      { group_key: cKey, members: 1, members_through: 1, fresh: 1 },
      { group_key: aKey, members: 3, members_through: 4, fresh: 0 },
    ]);
    // 63 is named by queued documents only, 62 by b's index rows: neither may go. 61 only by a stale row of a queued group: it may.
    for (const id of [63, 62]) await expect(db.prepare("DELETE FROM segments WHERE segment_id = ?").bind(id).run()).rejects.toThrow(/FOREIGN KEY/);
    await db.prepare("DELETE FROM segments WHERE segment_id = 61").run();
    // The code's merge runs over 0009's tables: the 0009 test merges these rows too.
  });

  it("0007_catalog_owners keeps every segment and its owner, opens a key space per organization, and keeps guarding used segments, with foreign keys on", async () => {
    const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0007_");
    await applyD1Migrations(db, before);
    expect(await db.prepare("PRAGMA foreign_keys").first()).toEqual({ foreign_keys: 1 });
    const now = "2026-01-01T00:00:00.000Z";
    const segment = (type: string, id: number, organization: number | null, revision = 1) =>
      db.prepare(`INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, revision, created_at, updated_at) VALUES (?1, ?2, 'N ' || ?2, 'n ' || ?2, ?3, ?4, ?5, ?5)`)
        .bind(type, id, organization, revision, now);
    const group = (id: string, organization: number, ids: number[]) =>
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag, subgroups, member_count)
         VALUES (?1, ?2, 'G', 'CONTEXTUAL', 1, ?3, ?3, 'g', 'e', ?4, ?5)`,
      ).bind(id, organization, now, subgroupsDocument([{ segment_operator: "OR", exclude: false, segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "3P" as const })) }]).json, ids.length);
    await db.batch([segment("3P", 71, null, 3), segment("3P", 72, 1234), segment("CONTEXTUAL", 71, 5678, 2), group("00000000-0000-7000-8000-00000000007a", 1234, [71, 72])]);
    const columns = "segment_type, segment_id, name, name_folded, organization_id, revision, created_at, updated_at";
    const rowsBefore = (await db.prepare(`SELECT ${columns} FROM segments ORDER BY 1, 2`).all()).results;

    await applyD1Migrations(db, [...before, migration("0007_")]);

    // Every row, owner and revision as it was.
    expect((await db.prepare(`SELECT ${columns} FROM segments ORDER BY 1, 2`).all()).results).toEqual(rowsBefore);
    expect((await db.prepare("SELECT segment_id, owner_scope FROM segments WHERE segment_id IN (71, 72) ORDER BY 1, owner_scope").all()).results).toEqual([
      { segment_id: 71, owner_scope: 0 },
      { segment_id: 71, owner_scope: 5678 },
      { segment_id: 72, owner_scope: 1234 },
    ]);
    // Another organization may now own 3P:72 too; nobody may own the global 3P:71, nor make 3P:72 global.
    await segment("3P", 72, 5678).run();
    await expect(segment("3P", 71, 5678).run()).rejects.toThrow(/either global or private/);
    await expect(segment("3P", 72, null).run()).rejects.toThrow(/either global or private/);
    await expect(segment("3P", 72, 1234).run()).rejects.toThrow(/UNIQUE/);
    await expect(db.prepare("UPDATE segments SET organization_id = NULL WHERE segment_id = 72 AND organization_id = 5678").run()).rejects.toThrow(/never change/);
    // The group's segments stay guarded: 1234's own 3P:72 and the global 3P:71; 5678's 3P:72 is free.
    for (const [id, owner] of [[72, 1234], [71, null]] as const) {
      await expect(db.prepare("DELETE FROM segments WHERE segment_type = '3P' AND segment_id = ?1 AND organization_id IS ?2").bind(id, owner).run()).rejects.toThrow(/FOREIGN KEY/);
    }
    await db.prepare("DELETE FROM segments WHERE segment_type = '3P' AND segment_id = 72 AND organization_id = 5678").run();
    // A group of 5678 cannot name 1234's 3P:72 (the visibility trigger skips the row).
    await group("00000000-0000-7000-8000-00000000007b", 5678, [72]).run();
    expect(await db.prepare("SELECT count(*) AS n FROM segment_groups WHERE organization_id = 5678").first()).toEqual({ n: 0 });
  });

  it("0008_bounded_storage counts every organization's rows and bytes, numbers the purges so far, and keeps counting later writes, with foreign keys on", async () => {
    const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0008_");
    await applyD1Migrations(db, before);
    expect(await db.prepare("PRAGMA foreign_keys").first()).toEqual({ foreign_keys: 1 });
    const now = "2026-01-01T00:00:00.000Z";
    const [a, b, c] = ["00000000-0000-7000-8000-00000000009a", "00000000-0000-7000-8000-00000000009b", "00000000-0000-7000-8000-00000000009c"];
    const doc = subgroupsDocument([{ segment_operator: "OR", exclude: false, segment_members: [{ segment_id: 91, segment_type: "3P" }] }]).json;
    const group = (id: string, org: number) =>
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag, subgroups, member_count)
         VALUES (?1, ?2, 'Grüße', 'CONTEXTUAL', 1, ?3, ?3, 'grüße', 'e', ?4, 1)`,
      ).bind(id, org, now, doc);
    const change = (id: string, org: number, data: string | null) =>
      db.prepare("INSERT INTO segment_group_changes (organization_id, group_id, change, version, changed_at, data) VALUES (?1, ?2, ?3, 'v', ?4, ?5)")
        .bind(org, id, data === null ? "deleted" : "updated", now, data);
    await db.batch([
      db.prepare("INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at) VALUES ('3P', 91, 'g', 'g', NULL, ?1, ?1), ('3P', 92, 'p', 'p', 9901, ?1, ?1), ('3P', 93, 'q', 'q', 9901, ?1, ?1), ('3P', 94, 'r', 'r', 9902, ?1, ?1)").bind(now),
      group(a, 9901),
      group(b, 9901),
      change(a, 9901, "{\"name\":\"é\"}"),
      change(c, 9903, null),
      db.prepare("UPDATE change_feed_retention SET purged_through = 7"),
    ]);

    await applyD1Migrations(db, [...before, migration("0008_")]);

    const docBytes = new TextEncoder().encode(doc).byteLength;
    const usage = async () => (await db.prepare("SELECT * FROM organization_usage WHERE organization_id IN (9901, 9902, 9903) ORDER BY 1").all()).results;
    expect(await usage()).toEqual([
      // Bytes, not characters: "é" is two.
      { organization_id: 9901, groups: 2, segments: 2, versions: 1, stored_bytes: 2 * docBytes + 13 },
      { organization_id: 9902, groups: 0, segments: 1, versions: 0, stored_bytes: 0 },
      { organization_id: 9903, groups: 0, segments: 0, versions: 1, stored_bytes: 0 },
    ]);
    // Cursors issued under the old purged_through keep their meaning: the first purge is numbered by it.
    expect((await db.prepare("SELECT id, through FROM change_feed_purges").all()).results).toEqual([{ id: 7, through: 7 }]);
    expect(await db.prepare("SELECT purged_through, history_scanned_through FROM change_feed_retention").first()).toEqual({ purged_through: 7, history_scanned_through: 0 });

    // From here on the triggers count every writer's rows, raw SQL included.
    const bigger = subgroupsDocument([{ segment_operator: "AND", exclude: false, segment_members: [{ segment_id: 91, segment_type: "3P" }, { segment_id: 92, segment_type: "3P" }] }]).json;
    await db.batch([
      db.prepare("DELETE FROM segment_groups WHERE id = ?").bind(b),
      db.prepare("UPDATE segment_groups SET subgroups = ?2 WHERE id = ?1").bind(a, bigger),
      // A segment's owner never changes (0007): it moves by delete and insert.
      db.prepare("DELETE FROM segments WHERE segment_id = 93"),
      db.prepare("INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at) VALUES ('3P', 93, 'q', 'q', 9902, ?1, ?1)").bind(now),
      db.prepare("DELETE FROM segment_group_changes WHERE group_id = ?").bind(c),
      group(c, 9902),
      db.prepare("UPDATE segment_groups SET organization_id = 9903 WHERE id = ?").bind(c),
    ]);
    expect(await usage()).toEqual([
      { organization_id: 9901, groups: 1, segments: 1, versions: 1, stored_bytes: new TextEncoder().encode(bigger).byteLength + 13 },
      { organization_id: 9902, groups: 0, segments: 2, versions: 0, stored_bytes: 0 },
      { organization_id: 9903, groups: 1, segments: 0, versions: 0, stored_bytes: docBytes },
    ]);
  });

  it("0009_reverse_index_by_organization carries the index and the backlog under each group's organization, with foreign keys on", async () => {
    const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0009_");
    await applyD1Migrations(db, before);
    expect(await db.prepare("PRAGMA foreign_keys").first()).toEqual({ foreign_keys: 1 });
    const now = "2026-01-01T00:00:00.000Z";
    const docOf = (ids: number[]) =>
      subgroupsDocument([{ segment_operator: "OR", exclude: false, segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "CONTEXTUAL" as const })) }]).json;
    const group = (id: string, organization: number, ids: number[]) =>
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, type, status, created_at, updated_at, name_folded, etag, subgroups, member_count)
         VALUES (?1, ?2, 'G', 'CONTEXTUAL', 1, ?3, ?3, 'g', 'e', ?4, ?5)`,
      ).bind(id, organization, now, docOf(ids), ids.length);
    const [a, b, c, d] = ["8a", "8b", "8c", "8d"].map((s) => `00000000-0000-7000-8000-0000000000${s}`) as [string, string, string, string];
    await db.batch([
      db.prepare("INSERT INTO segments (segment_type, segment_id, name, name_folded, created_at, updated_at) VALUES ('CONTEXTUAL', 81, 'x', 'x', ?1, ?1), ('CONTEXTUAL', 82, 'y', 'y', ?1, ?1), ('CONTEXTUAL', 83, 'z', 'z', ?1, ?1), ('CONTEXTUAL', 84, 'w', 'w', ?1, ?1)").bind(now),
      group(a, 801, [81, 82]),
      group(b, 802, [81]),
      group(c, 801, [82]),
    ]);
    // What a merge under 0006 leaves: the index rows of these groups, none of them queued.
    await db.batch([
      db.prepare(
        `INSERT INTO segment_group_members (segment_type, segment_id, group_key)
         SELECT m.value ->> '$.segment_type', m.value ->> '$.segment_id', g.index_key
         FROM segment_groups AS g, json_each(g.subgroups) AS s, json_each(s.value, '$.segment_members') AS m WHERE g.organization_id IN (801, 802)`,
      ),
      db.prepare("DELETE FROM segment_group_index_backlog WHERE group_key IN (SELECT index_key FROM segment_groups WHERE organization_id IN (801, 802))"),
    ]);
    // Then a backlog: a PATCHed group, a deleted one, a new one.
    await db.prepare("UPDATE segment_groups SET subgroups = ?2, member_count = 1 WHERE id = ?1").bind(a, docOf([83])).run();
    await db.prepare("DELETE FROM segment_groups WHERE id = ?").bind(c).run();
    await group(d, 802, [82, 83]).run();
    const usersOf = async (segment: number) =>
      (await db.prepare(`SELECT id FROM segment_groups WHERE index_key IN (${groupKeysUsingSegmentSql("'CONTEXTUAL'", "?1")}) ORDER BY id`).bind(segment).all<{ id: string }>()).results.map((r) => r.id);
    const answered = async () => Promise.all([81, 82, 83, 84].map(usersOf));
    const answersBefore = await answered();
    expect(answersBefore).toEqual([[b], [d], [a, d], []]);

    await applyD1Migrations(db, [...before, migration("0009_")]);

    const keyOf = new Map(
      (await db.prepare("SELECT id, index_key FROM segment_groups").all<{ id: string; index_key: number }>()).results.map((r) => [r.id, r.index_key]),
    );
    // a's rows as 0006 indexed them (stale until the merge), b's, under their organization; c's are gone with c.
    // (Storage lasts for the whole file: only this test's segments and organizations are looked at.)
    expect((await db.prepare("SELECT * FROM segment_group_members WHERE segment_id BETWEEN 81 AND 84 ORDER BY 1, 2, 3, 4").all()).results).toEqual([
      { segment_type: "CONTEXTUAL", segment_id: 81, organization_id: 801, group_key: keyOf.get(a) },
      { segment_type: "CONTEXTUAL", segment_id: 81, organization_id: 802, group_key: keyOf.get(b) },
      { segment_type: "CONTEXTUAL", segment_id: 82, organization_id: 801, group_key: keyOf.get(a) },
    ]);
    const queued = db.prepare("SELECT group_key, organization_id, indexed_organization_id, indexed_subgroups IS NULL AS fresh FROM segment_group_index_backlog WHERE organization_id IN (801, 802) ORDER BY seq");
    expect((await queued.all()).results).toEqual([
      { group_key: keyOf.get(a), organization_id: 801, indexed_organization_id: 801, fresh: 0 },
      { group_key: keyOf.get(d), organization_id: 802, indexed_organization_id: null, fresh: 1 },
    ]);
    expect(await answered()).toEqual(answersBefore);
    const ddl = await db.prepare("SELECT sql FROM sqlite_master WHERE name = 'segment_group_members'").first<{ sql: string }>();
    expect(ddl!.sql).toMatch(/PRIMARY KEY\(`segment_type`, `segment_id`, `organization_id`, `group_key`\)\s*\) WITHOUT ROWID\s*$/);
    expect((await db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%carried%'").all()).results).toEqual([]);

    // The guard on `segments` still reads the index (82: a's stale row only, so it may go; 81: b's row) and the documents (83).
    for (const id of [81, 83]) await expect(db.prepare("DELETE FROM segments WHERE segment_id = ?").bind(id).run()).rejects.toThrow(/FOREIGN KEY/);
    await db.prepare("UPDATE segment_groups SET subgroups = ?2, member_count = 1 WHERE id = ?1").bind(d, docOf([83])).run();
    await db.prepare("DELETE FROM segments WHERE segment_id = 82").run();
    // Later writes queue under the organization: b moves to 801 and follows it after a merge.
    await db.prepare("UPDATE segment_groups SET organization_id = 801 WHERE id = ?").bind(b).run();
    expect(await db.prepare("SELECT organization_id, indexed_organization_id FROM segment_group_index_backlog WHERE group_key = ?").bind(keyOf.get(b)).first()).toEqual({
      organization_id: 801,
      indexed_organization_id: 802,
    });
    await mergeBacklog(new Database(db));
    expect(await db.prepare("SELECT count(*) AS n FROM segment_group_index_backlog").first()).toEqual({ n: 0 });
    expect((await db.prepare("SELECT segment_id, organization_id, group_key FROM segment_group_members WHERE segment_id BETWEEN 81 AND 84 ORDER BY 1, 2, 3").all()).results).toEqual([
      { segment_id: 81, organization_id: 801, group_key: keyOf.get(b) },
      { segment_id: 83, organization_id: 801, group_key: keyOf.get(a) },
      { segment_id: 83, organization_id: 802, group_key: keyOf.get(d) },
    ]);
  });

  it("0011_canonical_documents rewrites a document stored in another form, so the in-use guard finds its members", async () => {
    await applyD1Migrations(db, env.TEST_MIGRATIONS.filter((m) => m.name < "0011_"));
    const now = "2026-01-01T00:00:00.000Z";
    const spaced = '[{"segment_operator": "OR", "segment_members": [{"segment_type": "CONTEXTUAL", "segment_id": "91"}]}]';
    await db.batch([
      db.prepare("INSERT INTO segments (segment_type, segment_id, name, name_folded, organization_id, created_at, updated_at) VALUES ('CONTEXTUAL', 91, 'x', 'x', NULL, ?1, ?1), ('CONTEXTUAL', 92, 'y', 'y', NULL, ?1, ?1)").bind(now),
      db.prepare(
        `INSERT INTO segment_groups (id, organization_id, name, name_folded, type, status, subgroups, member_count, created_at, updated_at, etag, subgroup_operator)
         VALUES ('spaced', 901, 'n', 'n', 'CONTEXTUAL', 1, ?1, 1, ?2, ?2, 'e', 'AND')`,
      ).bind(spaced, now),
    ]);
    // Queued, its member is invisible to the guard before 0011: the segment it uses could go.
    const usedBy = (id: number) => db.prepare(`SELECT count(*) AS n FROM (${groupKeysUsingSegmentSql("'CONTEXTUAL'", "?1")})`).bind(id).first("n");
    expect(await usedBy(91)).toBe(0);

    await applyD1Migrations(db, env.TEST_MIGRATIONS.filter((m) => m.name < "0012_"));

    expect(await db.prepare("SELECT subgroups FROM segment_groups WHERE id = 'spaced'").first("subgroups")).toBe(
      '[{"segment_operator":"OR","exclude":false,"segment_members":[{"segment_id":91,"segment_type":"CONTEXTUAL"}]}]',
    );
    expect(await usedBy(91)).toBe(1);
    await expect(db.prepare("DELETE FROM segments WHERE segment_id = 91").run()).rejects.toThrow(/FOREIGN KEY/);
    await expect(db.prepare("UPDATE segment_groups SET subgroups = ?1 WHERE id = 'spaced'").bind(spaced.replace("91", "92")).run()).rejects.toThrow(/canonical/);
    await mergeBacklog(new Database(db));
  });

  it("leaves the indexes and triggers the queries rely on", async () => {
    await applyD1Migrations(db, env.TEST_MIGRATIONS);
    const rows = (await db.prepare("SELECT type, name FROM sqlite_master WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_%' ORDER BY type, name").all()).results;
    expect(rows.map((r) => `${r.type} ${r.name}`)).toEqual([
      "index idempotency_keys_expires_idx",
      "index organization_shards_shard_idx",
      "index segment_group_changes_group_idx",
      "index segment_group_changes_organization_idx",
      "index segment_group_changes_tombstone_idx",
      "index segment_group_index_backlog_group_idx",
      "index segment_group_index_backlog_merging_idx",
      "index segment_group_index_backlog_organization_idx",
      "index segment_groups_index_key_idx",
      "index segment_groups_organization_created_idx",
      "index segments_key_idx",
      "index segments_organization_key_idx",
      "trigger segment_group_changes_usage_delete",
      "trigger segment_group_changes_usage_insert",
      "trigger segment_group_changes_usage_update",
      "trigger segment_groups_backlog_delete",
      "trigger segment_groups_backlog_insert",
      "trigger segment_groups_backlog_update",
      "trigger segment_groups_members_visible_insert",
      "trigger segment_groups_members_visible_update",
      "trigger segment_groups_subgroups_canonical_insert",
      "trigger segment_groups_subgroups_canonical_update",
      "trigger segment_groups_usage_delete",
      "trigger segment_groups_usage_insert",
      "trigger segment_groups_usage_move",
      "trigger segment_groups_usage_update",
      "trigger segments_in_use_delete",
      "trigger segments_key_fixed_update",
      "trigger segments_key_space_insert",
      "trigger segments_sketch_delete",
      "trigger segments_usage_delete",
      "trigger segments_usage_insert",
      "trigger segments_usage_update",
    ]);
    // The reverse index is its own primary key: no rowid table behind it.
    const ddl = await db.prepare("SELECT sql FROM sqlite_master WHERE name = 'segment_group_members'").first<{ sql: string }>();
    expect(ddl!.sql).toMatch(/WITHOUT ROWID\s*$/);
  });
});
