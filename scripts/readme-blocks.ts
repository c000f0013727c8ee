// The README's "Try it" as a script: its ```sh blocks, and the statuses its `# → NNN` comments
// expect. Read by `npm run test:readme` (scripts/readme-try-it.ts) and its tests.

/** The ```sh blocks between the "Try it" heading and the next heading, in order. */
export function tryItBlocks(markdown: string): string[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => /^#{1,6} Try it\s*$/.test(line));
  if (start === -1) throw new Error('README.md has no "Try it" heading');
  let end = start + 1;
  // A "# comment" inside a code block is not a heading.
  for (let inFence = false; end < lines.length; end++) {
    if (lines[end]!.startsWith("```")) inFence = !inFence;
    else if (!inFence && /^#{1,6} /.test(lines[end]!)) break;
  }
  const section = lines.slice(start + 1, end).join("\n");
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

/** The status each `# → NNN` comment expects of the next call, in order. */
export function expectedStatuses(script: string): number[] {
  return [...script.matchAll(/^\s*#.*→\s*(\d{3})\b/gm)].map((match) => Number(match[1]));
}
