// What the bench stores and sends: a catalog of global CONTEXTUAL segments, the seeded groups
// the reads run over, and the scenarios with the request each one repeats.
import type { CatalogItem, GroupBody } from "./twins/wire.ts";
import type { RequestLine } from "./api-log.ts";
import { TARGET_TITLES, type Target } from "./servers.ts";

export const ORGANIZATION_ID = 1234;
const FIRST_SEGMENT_ID = 900_000; // clear of the demo catalog's ids
export const CATALOG_SIZE = 1_000;
export const LARGE_GROUP = 1_000;
/** The segment the reverse lookup asks for: in every 1,000-member group, in no 3-member one. */
export const LOOKED_UP_SEGMENT = `CONTEXTUAL:${FIRST_SEGMENT_ID}`;

export function catalog(): CatalogItem[] {
  return Array.from({ length: CATALOG_SIZE }, (_, i) => ({
    segment_type: "CONTEXTUAL",
    segment_id: FIRST_SEGMENT_ID + i,
    name: `Bench segment ${FIRST_SEGMENT_ID + i}`,
  }));
}

/** A group of `count` catalog segments from position `offset` (wrapping, never the looked-up one when small). */
export function groupBody(name: string, count: number, offset = 1): GroupBody {
  const ids = Array.from({ length: count }, (_, i) => FIRST_SEGMENT_ID + (count === CATALOG_SIZE ? i : 1 + ((offset + i) % (CATALOG_SIZE - 1))));
  return {
    name,
    type: "CONTEXTUAL",
    organization_id: ORGANIZATION_ID,
    status: true,
    segment_subgroup: [{ segment_operator: "OR", segment_members: ids.map((segment_id) => ({ segment_id, segment_type: "CONTEXTUAL" })) }],
  };
}

/**
 * The groups seeded before any read. The 1,000-member ones are created last, so the newest
 * page of 100 (the list and the reverse lookup) holds 1,000-member groups.
 */
export function groupsToSeed(quick: boolean): { small: GroupBody[]; large: GroupBody[] } {
  const [small, large] = quick ? [10, 3] : [200, 100];
  return {
    small: Array.from({ length: small }, (_, i) => groupBody(`Seeded small ${i}`, 3, 3 * i)),
    large: Array.from({ length: large }, (_, i) => groupBody(`Seeded large ${i}`, LARGE_GROUP)),
  };
}

export interface SeededIds {
  /** A seeded 1,000-member group (GET). */
  large: string;
  /** A seeded 3-member group (PATCH). */
  small: string;
}

export interface Scenario {
  id: string;
  title: string;
  targets: Target[];
  method: "GET" | "POST" | "PATCH";
  path(ids: SeededIds): string;
  body?: string;
  expectedStatus: number;
  /** The API's request log lines this scenario's requests write. */
  logged(line: RequestLine): boolean;
}

/**
 * What one load run measures: a target and, for a twin, whether it also pays the API's platform
 * calls (`?platform=1`: its rate-limit units and its request log line; bench/twins/platform-calls.ts).
 */
export interface Subject {
  target: Target;
  platformCalls: boolean;
}

/** A scenario's load runs in order: the API, then each twin plain and then paying the platform calls. */
export function subjectsOf(scenario: Scenario): Subject[] {
  return scenario.targets.flatMap((target): Subject[] =>
    target === "api" ? [{ target, platformCalls: false }] : [{ target, platformCalls: false }, { target, platformCalls: true }],
  );
}

export function subjectTitle(subject: Subject): string {
  return `${TARGET_TITLES[subject.target]}${subject.platformCalls ? " + platform calls" : ""}`;
}

const route = (method: string, pattern: string) => (line: RequestLine) => line.method === method && line.route === pattern;

// In run order: the two GET /segment_groups scenarios are apart, so a late answer of one is
// never counted in the other's request log window.
export const SCENARIOS: Scenario[] = [
  {
    id: "get-1000",
    title: "GET one 1,000-member group",
    targets: ["api"],
    method: "GET",
    path: (ids) => `/segment_groups/${ids.large}`,
    expectedStatus: 200,
    logged: route("GET", "/segment_groups/:id"),
  },
  {
    id: "list-100",
    title: "List page of 100 (GET /segment_groups?limit=100)",
    targets: ["api"],
    method: "GET",
    path: () => "/segment_groups?limit=100",
    expectedStatus: 200,
    logged: route("GET", "/segment_groups"),
  },
  {
    id: "list-100-summary",
    title: "List page of 100, view=summary (GET /segment_groups?limit=100&view=summary)",
    targets: ["api"],
    method: "GET",
    path: () => "/segment_groups?limit=100&view=summary",
    expectedStatus: 200,
    logged: route("GET", "/segment_groups"),
  },
  {
    id: "patch-name",
    title: "PATCH a 3-member group's name (no If-Match)",
    targets: ["api"],
    method: "PATCH",
    path: (ids) => `/segment_groups/${ids.small}`,
    body: JSON.stringify({ name: "Renamed under load" }),
    expectedStatus: 200,
    logged: route("PATCH", "/segment_groups/:id"),
  },
  {
    id: "reverse-100",
    title: `Reverse lookup, page of 100 (GET /segment_groups?segment=${LOOKED_UP_SEGMENT}&limit=100)`,
    targets: ["api"],
    method: "GET",
    path: () => `/segment_groups?segment=${LOOKED_UP_SEGMENT}&limit=100`,
    expectedStatus: 200,
    logged: route("GET", "/segment_groups"),
  },
  {
    id: "create-3",
    title: "Create with 3 members",
    targets: ["api", "own-sql", "minimal"],
    method: "POST",
    path: () => "/segment_groups",
    body: JSON.stringify(groupBody("Bench create 3", 3)),
    expectedStatus: 201,
    logged: route("POST", "/segment_groups"),
  },
  {
    id: "create-1000",
    title: "Create with 1,000 members",
    targets: ["api", "own-sql", "minimal"],
    method: "POST",
    path: () => "/segment_groups",
    body: JSON.stringify(groupBody("Bench create 1000", LARGE_GROUP)),
    expectedStatus: 201,
    logged: route("POST", "/segment_groups"),
  },
];

/**
 * The scenarios `--only a,b` names, in run order; every scenario without the flag. An unknown
 * id is an error that lists the known ones, so a typo never benchmarks nothing.
 */
export function selectScenarios(only: string | undefined, scenarios: Scenario[] = SCENARIOS): Scenario[] {
  if (only === undefined) return scenarios;
  const ids = new Set(only.split(",").map((id) => id.trim()).filter(Boolean));
  const unknown = [...ids].filter((id) => !scenarios.some((s) => s.id === id));
  if (ids.size === 0 || unknown.length > 0) {
    throw new Error(`bench: --only takes scenario ids from: ${scenarios.map((s) => s.id).join(", ")} (got "${only}")`);
  }
  return scenarios.filter((s) => ids.has(s.id));
}
