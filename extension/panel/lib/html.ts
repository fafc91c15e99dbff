/**
 * Text for markup the panel writes as a string (the row grid's cells, see RowGrid.tsx). Every
 * value shown comes from the inspected page, so each one passes through here: after it, no
 * character of it can open a tag, end an attribute or start an entity.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}
