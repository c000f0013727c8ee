import { describe, expect, it } from "vitest";
import { headingAnchors, headingText, linkTargets, proseLines } from "../helpers/markdown";

// Every link and section reference in the docs and the code resolves: a link's file exists,
// its `#anchor` is a heading of that file (GitHub's anchors), and a section named in prose or a
// comment, such as (docs/api.md, "Limits") or README "Group logic", is a heading there.

const markdown = import.meta.glob<string>(["../../*.md", "../../docs/**/*.md", "../../bench/**/*.md", "../../scripts/**/*.md"], {
  query: "?raw",
  import: "default",
  eager: true,
});
const code = import.meta.glob<string>(
  [
    "../../{src,test,scripts,bench,examples}/**/*.ts",
    "../../migrations/*.sql",
    "../../.ci/run",
    "../../{wrangler.toml,biome.jsonc,vitest.config.ts,drizzle.config.ts,redocly.yaml,package.json}",
  ],
  { query: "?raw", import: "default", eager: true },
);
// Paths only (nothing is loaded): what a link may point at.
const files = Object.keys(
  import.meta.glob(["../../*", "../../{.ci,src,test,scripts,bench,examples,migrations,docs}/**/*"], { query: "?raw" }),
).map(repositoryPath);

/** A glob key, relative to this file (`../../docs/api.md`, `../helpers/api.ts`), as a path from the repository root. */
function repositoryPath(globPath: string): string {
  return new URL(globPath, "file:///test/docs/").pathname.slice(1);
}

const documents = new Map(Object.entries(markdown).map(([path, text]) => [repositoryPath(path), text]));

/** A markdown file's headings; undefined when there is no such markdown file. */
function headingsOf(file: string) {
  const text = documents.get(file);
  return text === undefined ? undefined : headingAnchors(text);
}

/** `target` of a link in `from`, resolved from the repository root; null for another site. */
function resolve(from: string, target: string): { file: string; anchor?: string } | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null;
  const [path = "", anchor] = target.split("#") as [string, string | undefined];
  if (path === "") return { file: from, anchor };
  const resolved = new URL(path, `https://repo.test/root/dir/${from}`).pathname;
  // Two levels above the file's folder on GitHub (blob/<branch>) is the repository's own pages.
  if (/^\/(security|issues|pulls|actions|wiki|releases)(\/|$)/.test(resolved)) return null;
  return { file: decodeURIComponent(resolved.replace(/^\/root\/dir\//, "").replace(/\/$/, "")), anchor };
}

/** The problem with a reference to `file`'s `anchor` (or section titled `section`), if any. */
function problemWith(where: string, file: string, anchor?: string, section?: string): string | undefined {
  if (!files.includes(file) && !files.some((f) => f.startsWith(`${file}/`))) return `${where}: ${file} does not exist`;
  if (anchor === undefined && section === undefined) return undefined;
  const headings = headingsOf(file);
  if (!headings) return `${where}: ${file} is not a markdown file the docs tests read, so #${anchor ?? section} cannot be checked`;
  if (anchor !== undefined && !headings.some((h) => h.anchor === anchor)) {
    return `${where}: ${file} has no heading with the anchor #${anchor} (anchors: ${headings.map((h) => h.anchor).join(", ")})`;
  }
  if (section !== undefined && !headings.some((h) => h.text.toLowerCase() === headingText(section).toLowerCase())) {
    return `${where}: ${file} has no heading "${section}" (headings: ${headings.map((h) => `"${h.text}"`).join(", ")})`;
  }
  return undefined;
}

// A file named with a section title in quotes or stars: (docs/api.md, "Limits"), README's "Try it",
// docs/deploy.md ("Verify"), (README, *Configuration*). Lines are joined first (a title may wrap).
const SECTION_REFERENCE = /\b(README(?:\.md)?|SECURITY\.md|BENCHMARKS\.md|docs\/[\w-]+\.md)(?:'s)?(?:,\s*|\s+\(\s*|\s+)(?:"([^"]+)"|\*([^*\s][^*]*)\*)/g;
// A bare file#anchor in code: docs/storage.md#change-feed-and-history.
const ANCHOR_REFERENCE = /\b(README\.md|SECURITY\.md|BENCHMARKS\.md|docs\/[\w-]+\.md)#([\w-]+)/g;

function sectionReferences(path: string, text: string): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(SECTION_REFERENCE)) {
    const file = match[1]!.startsWith("README") ? "README.md" : match[1]!;
    const problem = problemWith(`${path}: ${match[0]}`, file, undefined, match[2] ?? match[3]);
    if (problem) problems.push(problem);
  }
  return problems;
}

/** A comment's text with its line breaks and comment markers (`//`, ` * `, `--`, `#`) folded into spaces. */
function joinedLines(text: string): string {
  return text.replace(/\s*\n\s*(?:\/\/+|\*(?!\/)|--|#)?\s*/g, " ");
}

describe("links and section references", () => {
  it("read the docs and the code they check (the checks below would pass vacuously otherwise)", () => {
    expect([...documents.keys()]).toEqual(expect.arrayContaining(["README.md", "SECURITY.md", "BENCHMARKS.md", "docs/api.md", "docs/development.md"]));
    expect(Object.keys(code).map(repositoryPath)).toEqual(expect.arrayContaining(["src/app.ts", "test/helpers/fixtures.ts", "migrations/0006_member_index_backlog.sql", ".ci/run"]));
    expect(files).toEqual(expect.arrayContaining(["package.json", "src/scheduled/jobs.ts", "docs/storage.md"]));
  });

  it("every markdown link points at a file that exists, and its #anchor at a heading of that file", () => {
    const problems: string[] = [];
    for (const [file, text] of documents) {
      for (const target of linkTargets(text)) {
        const resolved = resolve(file, target);
        const problem = resolved && problemWith(`${file}: (${target})`, resolved.file, resolved.anchor);
        if (problem) problems.push(problem);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it('every section a doc names in words, such as (docs/storage.md, "Change feed and history"), is a heading there', () => {
    const problems = [...documents].flatMap(([file, text]) => sectionReferences(file, joinedLines(proseLines(text).join("\n"))));
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("every doc section a code comment points to exists: (docs/api.md, \"Limits\"), README.md#try-it", () => {
    const problems: string[] = [];
    for (const [globPath, text] of Object.entries(code)) {
      const path = repositoryPath(globPath);
      if (path === "test/docs/links.test.ts") continue; // its own examples are patterns, not references
      const joined = joinedLines(text);
      problems.push(...sectionReferences(path, joined));
      for (const match of joined.matchAll(ANCHOR_REFERENCE)) {
        const problem = problemWith(`${path}: ${match[0]}`, match[1]!, match[2]);
        if (problem) problems.push(problem);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("every repository path a doc shows as code exists, such as `src/scheduled/jobs.ts` or `bench/`", () => {
    const problems: string[] = [];
    for (const [file, text] of documents) {
      for (const [, span] of proseLines(text).join("\n").matchAll(/`([^`\s]+)`/g)) {
        const path = span!.replace(/^\.\//, "").replace(/[:#].*$/, "");
        if (!/^(src|test|scripts|bench|migrations|docs|examples|\.ci)\/[\w./-]*$/.test(path)) continue;
        // Relative to the root (code spans name repository paths), the folder a doc sits in as a fallback.
        const candidates = [path.replace(/\/$/, ""), `${file.replace(/[^/]*$/, "")}${path}`.replace(/\/$/, "")];
        if (!candidates.some((c) => files.includes(c) || files.some((f) => f.startsWith(`${c}/`)))) problems.push(`${file}: \`${span}\``);
      }
    }
    expect(problems, `these paths do not exist:\n${problems.join("\n")}`).toEqual([]);
  });

  it("the repository speaks of itself: no issue numbers or milestones of a tracker a reader cannot see", () => {
    const tracker = /\bissues? #?\d+|\bstops? \d+\b/gi;
    const problems = [...documents, ...Object.entries(code).map(([path, text]) => [repositoryPath(path), text] as const)]
      .filter(([path]) => path !== "test/docs/links.test.ts")
      .flatMap(([path, text]) => [...text.matchAll(tracker)].map((match) => `${path}: "${match[0]}"`));
    expect(problems, problems.join("\n")).toEqual([]);
  });
});

describe("markdown helpers", () => {
  it("anchor headings as GitHub does, skipping code blocks and numbering repeats", () => {
    const text = "# Title\n\n## Dry runs (POST and PATCH)\n\n```sh\n# not a heading\n```\n\n## GET /segment_groups/{id}\n\n### `view` **options**\n\n## Title\n";
    expect(headingAnchors(text).map((h) => h.anchor)).toEqual(["title", "dry-runs-post-and-patch", "get-segment_groupsid", "view-options", "title-1"]);
  });

  it("find link targets in prose, not in code", () => {
    expect(linkTargets("See [a](docs/a.md#x) and ![b](b.png \"t\").\n\n```\n[c](c.md)\n```\n`[d](d.md)`")).toEqual(["docs/a.md#x", "b.png"]);
  });
});
