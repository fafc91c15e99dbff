/**
 * What the kit's writes are called in the panel's timeline and recent changes: `kit: set <key>`,
 * `kit: put <table>`, … One place for the words, so the kit, its tests and the README agree
 * (and the panel tells a test's write from the app's and from the panel's own `devtools: …`).
 */
export const KIT_LABEL = 'kit';

export type KitVerb = 'set' | 'remove' | 'put' | 'delete';

export function kitLabel(verb: KitVerb, what: string): string {
  return `${KIT_LABEL}: ${verb} ${what}`;
}
