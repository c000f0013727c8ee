// Reading markdown the way GitHub renders it, for the docs' own tests (test/docs/).

/** The lines of a markdown file outside fenced code blocks (a `# comment` in a sh block is no heading). */
export function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  const lines: string[] = [];
  for (const line of markdown.split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) fence = fence === undefined ? marker : undefined;
    else if (fence === undefined) lines.push(line);
  }
  return lines;
}

/** A heading's text as rendered: code spans, emphasis and links reduced to their text. */
export function headingText(raw: string): string {
  return raw
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__|\*)/g, "")
    .trim();
}

/**
 * GitHub's anchor for a heading: lower case, every character but letters, digits, spaces,
 * `-` and `_` dropped, each space a `-`; a repeated anchor gets `-1`, `-2`, ...
 */
export function headingAnchors(markdown: string): { text: string; anchor: string }[] {
  const seen = new Map<string, number>();
  return proseLines(markdown).flatMap((line) => {
    const match = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!match) return [];
    const text = headingText(match[1]!);
    const base = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return [{ text, anchor: count === 0 ? base : `${base}-${count}` }];
  });
}

/** Every inline link and image target of the prose: `[text](target)`, without a title. */
export function linkTargets(markdown: string): string[] {
  const prose = proseLines(markdown)
    .join("\n")
    .replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/!?\[(?:[^\]]|\n)*?\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
}
