/**
 * Refuses a search pattern whose matching can take exponential time: a repeated group that itself
 * repeats (`(a+)+`) or offers alternatives (`(a|aa)+`). One `exec` runs synchronously inside the
 * page, so no slice boundary can interrupt it: such a pattern against a few dozen characters
 * would freeze the page for minutes. A conservative reading of the source, not a full parser.
 */

interface Group {
  /** An unbounded repetition (`*`, `+`, `{n,}`) somewhere inside. */
  repeats: boolean;
  /** A `|` directly inside. */
  alternates: boolean;
}

/** Why the pattern is refused, in words, or undefined. */
export function catastrophic(source: string): string | undefined {
  const stack: Group[] = [{ repeats: false, alternates: false }];
  let closed: Group | undefined;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    const last = closed;
    closed = undefined;
    if (char === '\\') {
      i++;
      continue;
    }
    if (char === '[') {
      // A class is one character: skip to its unescaped end.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (char === '(') {
      stack.push({ repeats: false, alternates: false });
      if (source[i + 1] === '?') i++;
      continue;
    }
    if (char === ')') {
      const group = stack.length > 1 ? stack.pop()! : undefined;
      if (group) {
        stack.at(-1)!.repeats ||= group.repeats;
        closed = group;
      }
      continue;
    }
    if (char === '|') {
      stack.at(-1)!.alternates = true;
      continue;
    }
    let unbounded = false;
    if (char === '*' || char === '+') unbounded = true;
    else if (char === '{') {
      const bound = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!bound) continue;
      i += bound[0].length - 1;
      unbounded = bound[2] !== undefined && (bound[3] === '' || Number(bound[3]) > 1);
    } else continue;
    // A `?`, `+` after a quantifier makes it lazy (or possessive-looking): not a new repetition.
    if (source[i + 1] === '?') i++;
    if (!unbounded) continue;
    if (last && (last.repeats || last.alternates)) {
      return last.repeats
        ? 'a repeated group that itself repeats (like (a+)+) can take exponential time and would freeze the page; repeat only the inner part'
        : 'a repeated group of alternatives (like (a|aa)+) can take exponential time and would freeze the page; repeat a character class instead';
    }
    stack.at(-1)!.repeats = true;
  }
  return undefined;
}
