import { expect } from "vitest";
import { seedSegments } from "./db";

/** The organization most tests act for, and one the default token does not hold. */
export const ORG = 1234;
export const OTHER_ORG = 9999;

/** A catalog every test file can rely on: global segments, plus one owned by each organization. */
export async function seedCatalog(): Promise<void> {
  await seedSegments([
    { segment_type: "CONTEXTUAL", segment_id: 101 },
    { segment_type: "CONTEXTUAL", segment_id: 102 },
    { segment_type: "CONTEXTUAL", segment_id: 103 },
    { segment_type: "3P", segment_id: 201 },
    { segment_type: "3P", segment_id: 202 },
    { segment_type: "3P", segment_id: 301, organization_id: ORG },
    { segment_type: "3P", segment_id: 401, organization_id: OTHER_ORG },
  ]);
}

/** A valid POST /segment_groups body using the seeded catalog. */
export function validGroup(overrides: Record<string, unknown> = {}) {
  return {
    name: "My Audience Group",
    type: "CONTEXTUAL",
    organization_id: ORG,
    status: true,
    segment_subgroup: [
      {
        segment_operator: "AND",
        segment_members: [
          { segment_id: 101, segment_type: "CONTEXTUAL" },
          { segment_id: 201, segment_type: "3P" },
        ],
      },
      { segment_operator: "OR", segment_members: [{ segment_id: 301, segment_type: "3P" }] },
    ],
    ...overrides,
  };
}

/**
 * One segment member as a request carries it: `member(201, "3P")`, CONTEXTUAL by default. Any
 * value, so tests can send wrong ones; its type a literal, so a typed seed (SeedMember) takes it too.
 */
export const member = <Id, const Type = "CONTEXTUAL">(segment_id: Id, segment_type: Type = "CONTEXTUAL" as Type) => ({ segment_id, segment_type });

/**
 * A POST body's group as every response states it: `subgroup_operator` and each subgroup's
 * `exclude` explicit (defaults AND and false), plus the read-only `expression` (checked exactly
 * by test/segment-groups/*.logic.test.ts).
 */
export function asStated(body: { subgroup_operator?: string; segment_subgroup: { exclude?: boolean; segment_operator: string; segment_members: unknown[] }[] }) {
  return {
    ...body,
    subgroup_operator: body.subgroup_operator ?? "AND",
    segment_subgroup: body.segment_subgroup.map((s) => ({ ...s, exclude: s.exclude ?? false })),
    expression: expect.any(String),
  };
}
