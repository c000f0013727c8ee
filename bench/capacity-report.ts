// The markdown `npm run bench:capacity` prints (and, with --write, puts into docs/scaling.md
// between its markers): what was measured, and what follows from it.
import {
  bytesPerGroup,
  bytesPerMember,
  bytesPerRow,
  groupsPerShard,
  SHARD_BYTES,
  shardsForBytes,
  shardsForWrites,
  type UnitCost,
} from "./capacity-model.ts";
import type { LoadResult } from "./load.ts";
import type { Machine } from "./machine.ts";

export const MEDIAN_MEMBERS = 3;
export const LARGE_MEMBERS = 1_000;
/** Versions a group keeps at the retention defaults (HISTORY_KEEP_VERSIONS), counting its create. */
export const VERSIONS_KEPT = 10;
/** Versions a group edited every day keeps: all of the HISTORY_RETENTION_DAYS window. */
export const VERSIONS_DAILY = 90;
/** The platform sized at the end. */
export const PLATFORM = { organizations: 10_000, groups: 10_000_000, largeShare: 0.01 };
/** Each group written once a day on average, the busiest second at 10 × the average. */
export const PEAK_WRITES_PER_SECOND = Math.ceil((PLATFORM.groups / 86_400) * 10);
/** Shards are planned at most this full: room to grow, to take a moved organization, and for free pages. */
export const PLANNED_FILL = 0.7;
/** The largest organization the quotas allow (wrangler.toml). */
export const QUOTA = { groups: 10_000, privateSegments: 100_000 };

export interface CapacityRun {
  date: string;
  commit: string;
  machine: Machine;
  costs: {
    segment: UnitCost;
    smallCreate: UnitCost;
    smallVersion: UnitCost;
    largeCreate: UnitCost;
    largeVersion: UnitCost;
    directoryRow: UnitCost;
  };
  writes: { connections: number; seconds: number; result: LoadResult };
}

/** Where the measured section goes, and the run it was rendered from (bench/capacity.check.ts renders it again and compares). */
export const CAPACITY_FILES = { doc: "docs/scaling.md", run: "bench/capacity-run.json" } as const;

export const MARKERS = { begin: "<!-- bench:capacity begin -->", end: "<!-- bench:capacity end -->" };

const GROUP_TABLES = { segment_groups: "group row", segment_group_changes: "feed / history row", segment_group_members: "reverse index" } as const;

export function capacityMarkdown(run: CapacityRun): string {
  const { costs, writes, machine } = run;
  const round = (n: number) => Math.round(n).toLocaleString("en-US");
  const gb = (bytes: number) => `${(bytes / 1e9).toLocaleString("en-US", { maximumFractionDigits: 2 })} GB`;
  const part = (cost: UnitCost, table: string) => {
    const bytes = cost.tables[table];
    return bytes ? `${round(bytes.table)} + ${round(bytes.indexes)}` : "0";
  };
  const other = (cost: UnitCost) =>
    Object.entries(cost.tables)
      .filter(([table]) => !(table in GROUP_TABLES))
      .reduce((sum, [, bytes]) => sum + bytes.table + bytes.indexes, 0);
  const stepRow = (label: string, cost: UnitCost) =>
    `| ${label} | ${Object.keys(GROUP_TABLES).map((table) => part(cost, table)).join(" | ")} | ${round(other(cost))} | **${round(cost.stored)}** | ${round(cost.file)} |`;

  const smallGroup = bytesPerGroup(costs.smallCreate.stored, costs.smallVersion.stored, VERSIONS_KEPT);
  const largeGroup = bytesPerGroup(costs.largeCreate.stored, costs.largeVersion.stored, VERSIONS_KEPT);
  const member = bytesPerMember({ members: MEDIAN_MEMBERS, bytes: costs.smallCreate.stored }, { members: LARGE_MEMBERS, bytes: costs.largeCreate.stored });
  const versionMember = bytesPerMember({ members: MEDIAN_MEMBERS, bytes: costs.smallVersion.stored }, { members: LARGE_MEMBERS, bytes: costs.largeVersion.stored });
  const indexRow = bytesPerRow(costs.largeCreate, "segment_group_members");
  const feedEvent = (cost: UnitCost) => {
    const bytes = cost.tables.segment_group_changes;
    return bytes ? bytes.table + bytes.indexes : 0;
  };
  const capacityRow = (shape: string, create: number, version: number, versions: number) => {
    const group = bytesPerGroup(create, version, versions);
    return `| ${shape} | ${versions} | ${round(group)} | ${round(groupsPerShard(group))} |`;
  };

  const mixBytes = PLATFORM.groups * ((1 - PLATFORM.largeShare) * smallGroup + PLATFORM.largeShare * largeGroup);
  const mixes = [
    ["every group at the median (3 members)", PLATFORM.groups * smallGroup],
    [`${PLATFORM.largeShare * 100} % of groups with 1,000 members, the rest at the median`, mixBytes],
    ["every group with 1,000 members", PLATFORM.groups * largeGroup],
  ] as const;
  const writesPerShard = writes.result.requestsPerSecond;
  const largestOrganization = (versions: number) =>
    QUOTA.groups * bytesPerGroup(costs.largeCreate.stored, costs.largeVersion.stored, versions) + QUOTA.privateSegments * costs.segment.stored;
  const ofShard = (bytes: number) => `${gb(bytes)} (${Math.round((bytes / SHARD_BYTES) * 100)} % of a shard)`;

  return [
    MARKERS.begin,
    `Measured ${run.date} at ${run.commit} on ${machine.cpus} CPU(s) (${machine.cpuModel}, load average ${machine.loadAverage} at the start), wrangler ${machine.wrangler}, workerd ${machine.workerd}. Bytes are \`SUM(pgsize) FROM dbstat\` (b-tree pages in use), from the difference between two seeded sizes, divided by the units added between them; "file" is the same difference in page_count × page_size (free pages included). Each cell is table b-tree + its indexes' b-trees.`,
    "",
    `| unit (units measured) | ${Object.values(GROUP_TABLES).join(" | ")} | other tables | bytes per unit (dbstat) | file bytes per unit |`,
    "| --- | --- | --- | --- | --- | --- | --- |",
    stepRow(`3-member group, created (${round(costs.smallCreate.units)})`, costs.smallCreate),
    stepRow(`version of a 3-member group: a PATCH of its name (${round(costs.smallVersion.units)})`, costs.smallVersion),
    stepRow(`1,000-member group, created (${round(costs.largeCreate.units)})`, costs.largeCreate),
    stepRow(`version of a 1,000-member group: a PATCH of its name (${round(costs.largeVersion.units)})`, costs.largeVersion),
    stepRow(`global catalog segment, POST /segments/bulk (${round(costs.segment.units)})`, costs.segment),
    `| directory row, \`organization_shards\` (${round(costs.directoryRow.units)}) | | | | ${round(other(costs.directoryRow))} | **${round(costs.directoryRow.stored)}** | ${round(costs.directoryRow.file)} |`,
    "",
    "| figure | bytes |",
    "| --- | --- |",
    `| a group at the median (3 members, just created: its row, its created event, its index rows) | ${round(costs.smallCreate.stored)} |`,
    `| a member (its share of the document and of the created event, and its reverse-index row) | ${round(member)} |`,
    `| a member in each further version (its share of the version's copy) | ${round(versionMember)} |`,
    `| a reverse-index row (\`segment_group_members\`, ${round(costs.largeCreate.rows.segment_group_members ?? 0)} rows per 1,000-member group) | ${round(indexRow)} |`,
    `| a version / feed event of a 3-member group (one row serves both) | ${round(costs.smallVersion.stored)} |`,
    `| a version / feed event of a 1,000-member group | ${round(costs.largeVersion.stored)} |`,
    `| the created event inside a 3-member / 1,000-member create | ${round(feedEvent(costs.smallCreate))} / ${round(feedEvent(costs.largeCreate))} |`,
    "",
    `Groups per shard (${gb(SHARD_BYTES)}, D1's maximum). Versions kept count the create as the first: 1 for a group never edited; ${VERSIONS_KEPT} (HISTORY_KEEP_VERSIONS) for one edited at most that often in HISTORY_RETENTION_DAYS; ${VERSIONS_DAILY} for one edited every day, whose whole ${VERSIONS_DAILY}-day window is kept:`,
    "",
    "| group | versions kept | bytes per group | groups per 10 GB shard |",
    "| --- | --- | --- | --- |",
    capacityRow("3 members (median)", costs.smallCreate.stored, costs.smallVersion.stored, 1),
    capacityRow("3 members (median)", costs.smallCreate.stored, costs.smallVersion.stored, VERSIONS_KEPT),
    capacityRow("1,000 members", costs.largeCreate.stored, costs.largeVersion.stored, 1),
    capacityRow("1,000 members", costs.largeCreate.stored, costs.largeVersion.stored, VERSIONS_KEPT),
    capacityRow("3 members (median), edited daily", costs.smallCreate.stored, costs.smallVersion.stored, VERSIONS_DAILY),
    capacityRow("1,000 members, edited daily", costs.largeCreate.stored, costs.largeVersion.stored, VERSIONS_DAILY),
    "",
    `Writes one shard sustained locally (one \`wrangler dev\`, one local D1, autocannon on 127.0.0.1, ${writes.connections} connections for ${writes.seconds} s, every answer 201; the load generator shares the machine):`,
    "",
    "| request | answers | requests/s | p50 | p99 |",
    "| --- | --- | --- | --- | --- |",
    `| POST /segment_groups, 3 members | ${round(writes.result.requests)} | ${round(writes.result.requestsPerSecond)} | ${writes.result.p50Ms} ms | ${writes.result.p99Ms} ms |`,
    "",
    `A platform of ${round(PLATFORM.organizations)} organizations and ${round(PLATFORM.groups)} groups, ${VERSIONS_KEPT} versions each, shards filled to at most ${PLANNED_FILL * 100} %:`,
    "",
    "| groups | bytes | shards by bytes |",
    "| --- | --- | --- |",
    ...mixes.map(([label, bytes]) => `| ${label} | ${gb(bytes)} | ${shardsForBytes(bytes, PLANNED_FILL)} |`),
    "",
    `| other figure | value |`,
    "| --- | --- |",
    `| shards by writes: a peak of ${round(PEAK_WRITES_PER_SECOND)} writes/s (each group written once a day, the busiest second at 10 × the average) over ${round(writesPerShard)} creates/s per shard measured here | ${shardsForWrites(PEAK_WRITES_PER_SECOND, writesPerShard)} |`,
    `| the directory: ${round(PLATFORM.organizations)} rows | ${round(PLATFORM.organizations * costs.directoryRow.stored / 1000)} KB |`,
    `| the largest organization the quotas allow (${round(QUOTA.groups)} groups of 1,000 members with ${VERSIONS_KEPT} versions, ${round(QUOTA.privateSegments)} private segments) | ${ofShard(largestOrganization(VERSIONS_KEPT))} |`,
    `| the same organization editing every group daily (${VERSIONS_DAILY} versions kept by the ${VERSIONS_DAILY}-day window) | ${ofShard(largestOrganization(VERSIONS_DAILY))} |`,
    MARKERS.end,
  ].join("\n");
}

/** `doc` with the text between the markers replaced by `section` (markers included in it). */
export function replaceMeasuredSection(doc: string, section: string): string {
  const begin = doc.indexOf(MARKERS.begin);
  const end = doc.indexOf(MARKERS.end);
  if (begin === -1 || end < begin) throw new Error(`capacity: the document has no ${MARKERS.begin} … ${MARKERS.end} section`);
  return doc.slice(0, begin) + section + doc.slice(end + MARKERS.end.length);
}
