import * as z from "zod/mini";

type Issue = z.core.$ZodIssue;

/**
 * zod refuses an array longer than its maximum without reading a single element (bounded work
 * for hostile bodies), so a too-long array would hide the problems inside it. This parses
 * `input` again with each such array cut to its maximum and returns `issues` with, after each
 * length problem, the problems of that array's first `maximum` elements. Elements past the
 * maximum are never read; an array nested in a cut one costs one more pass, never more work
 * than a body within the limits.
 *
 * @example const all = await withProblemsInsideLongArrays(schema, input, result.error.issues)
 */
export async function withProblemsInsideLongArrays(schema: z.core.$ZodType, input: unknown, issues: readonly Issue[]): Promise<Issue[]> {
  const cut = issues.filter((issue) => isUnreadArray(issue, issues));
  if (cut.length === 0) return [...issues];

  let truncated = input;
  for (const issue of cut) truncated = withArrayCut(truncated, issue.path, Number((issue as z.core.$ZodIssueTooBig).maximum));
  const again = await z.safeParseAsync(schema, truncated);
  const inner = again.success ? [] : await withProblemsInsideLongArrays(schema, truncated, again.error.issues);
  return issues.flatMap((issue) => (cut.includes(issue) ? [issue, ...inner.filter((problem) => isWithin(problem.path, issue.path))] : [issue]));
}

// An array over its maximum that zod did not look into: nothing else was reported inside it.
function isUnreadArray(issue: Issue, issues: readonly Issue[]): boolean {
  if (issue.code !== "too_big" || issue.origin !== "array") return false;
  return !issues.some((other) => other !== issue && isWithin(other.path, issue.path));
}

function isWithin(path: readonly PropertyKey[], prefix: readonly PropertyKey[]): boolean {
  return path.length >= prefix.length && prefix.every((key, i) => path[i] === key);
}

// A copy of `value` whose array at `path` keeps only its first `max` elements; only the
// containers along the path are copied.
function withArrayCut(value: unknown, path: readonly PropertyKey[], max: number): unknown {
  if (path.length === 0) return Array.isArray(value) ? value.slice(0, max) : value;
  const [key, ...rest] = path;
  if (Array.isArray(value)) return value.map((element, i) => (i === key ? withArrayCut(element, rest, max) : element));
  if (value === null || typeof value !== "object") return value;
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === key ? withArrayCut(v, rest, max) : v]));
}
