import { env } from "cloudflare:workers";
import fc from "fast-check";
import { expect } from "vitest";
import { describeResponse, type ApiResponse } from "./api";
import { snapshotTables } from "./db";
import { mintToken } from "./tokens";

/** Every property runs from this seed (vitest.config.ts; FUZZ_SEED overrides it). */
export const FUZZ_SEED = Number(env.FUZZ_SEED);

/**
 * Runs a property with the suite's seed. On failure fast-check's message carries the seed and
 * the path of the shrunk counterexample; the seed is repeated first so it is easy to find.
 */
export async function checkProperty<T>(name: string, property: fc.IAsyncPropertyWithHooks<T>, numRuns: number): Promise<void> {
  const result = await fc.check(property, { seed: FUZZ_SEED, numRuns, endOnFailure: false });
  if (result.failed) {
    const cause = result.errorInstance instanceof Error ? `\n\nFirst failure of the shrunk case:\n${result.errorInstance.message}` : "";
    throw new Error(`Property "${name}" failed with FUZZ_SEED=${FUZZ_SEED} (rerun: FUZZ_SEED=${FUZZ_SEED} npx vitest run test/fuzz)\n${fc.defaultReportMessage(result)}${cause}`);
  }
  fuzzCases.planned += numRuns;
  fuzzCases.count += result.numRuns;
}

/** A property runs hundreds of requests; vitest's 5 s default is for one. */
export const FUZZ_TEST_TIMEOUT_MS = 120_000;

/**
 * How many generated cases this file's properties asked for and ran, and the statuses they got
 * (its last test reports them with `reportFuzzCases`).
 */
export const fuzzCases = { planned: 0, count: 0, statuses: {} as Record<number, number> };

/**
 * Prints how many cases a file ran, and checks that every property that ran tried all the
 * cases it asked for (none skipped). Counts only the properties that ran, so the report holds
 * when a filter (`-t`) runs some tests of the file, or only this one.
 */
export function reportFuzzCases(file: string): void {
  console.info(`fuzz: ${fuzzCases.count} generated cases (statuses ${JSON.stringify(fuzzCases.statuses)}) in ${file} (seed ${FUZZ_SEED})`);
  expect(fuzzCases.count, "cases run by the properties that ran, against the cases they asked for").toBe(fuzzCases.planned);
}

/**
 * Tokens of distinct callers for one organization set, so the cases of a file spread over
 * several callers' rate-limit budgets as real traffic does.
 */
export async function callerTokens(organizationIds: number[], count = 12): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => mintToken({ claims: { sub: `auth0|fuzz-${i}-${crypto.randomUUID()}`, organization_ids: organizationIds } })),
  );
}

/** Documented (call() checks the OpenAPI document) is not enough: our side must never fail. */
export function expectNoServerError(res: ApiResponse): void {
  fuzzCases.statuses[res.status] = (fuzzCases.statuses[res.status] ?? 0) + 1;
  expect(res.status, describeResponse(res)).toBeLessThan(500);
}

/**
 * Sends a request; a write (any method but GET) that is refused (not 2xx) must have changed
 * no row. Reads skip the two table snapshots, which cost more than the request.
 */
export async function refusedWritesChangeNothing(method: string, send: () => Promise<ApiResponse>): Promise<ApiResponse> {
  if (method === "GET") {
    const res = await send();
    expectNoServerError(res);
    return res;
  }
  const before = await snapshotTables();
  const res = await send();
  expectNoServerError(res);
  if (res.status >= 300) expect(await snapshotTables(), `a refused write changed rows: ${describeResponse(res)}`).toEqual(before);
  return res;
}

// Values that break naive code: wrong types, edges of the number line, odd strings.
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53, -(2 ** 53), 1e308, "", " ", "\u0000", "٣", "1", "true", [], {}, [[]], { "": null }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

// Half of a surrogate pair alone: JSON can carry it ("\ud800"), UTF-8 and storage cannot.
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

/** Names as clients send them: any Unicode, blanks, edges of the length limit, ill-formed text. */
export const names: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), loneSurrogate, fc.string({ maxLength: 5 })).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\t\n", "x".repeat(255), "y".repeat(256), "%", "_", "'; DROP TABLE segment_groups; --", "Ω≈ç√", "🏃‍♀️") },
);
