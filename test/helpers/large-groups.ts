import { seedSegments } from "./db";
import { validGroup } from "./fixtures";

/** CONTEXTUAL segments 10,000 to 10,000 + count - 1, straight into the catalog (global). */
export async function seedBulkCatalog(count: number): Promise<void> {
  const segments = Array.from({ length: count }, (_, i) => ({ segment_type: "CONTEXTUAL" as const, segment_id: 10_000 + i }));
  for (let i = 0; i < segments.length; i += 500) await seedSegments(segments.slice(i, i + 500));
}

/** `count` members in subgroups of at most 1,000, all from seedBulkCatalog's segments. */
export function subgroupsWith(count: number) {
  const subgroups = [];
  for (let start = 0; start < count; start += 1000) {
    const size = Math.min(1000, count - start);
    subgroups.push({
      segment_operator: subgroups.length % 2 ? "OR" : "AND",
      segment_members: Array.from({ length: size }, (_, i) => ({ segment_id: 10_000 + start + i, segment_type: "CONTEXTUAL" })),
    });
  }
  return subgroups;
}

/** A valid create body with `count` members (see subgroupsWith). */
export function groupWithMembers(count: number) {
  return validGroup({ segment_subgroup: subgroupsWith(count) });
}
