/**
 * Copies text. The async Clipboard API is refused inside DevTools panels (the panel document is
 * not focused, and Chrome asks for a permission there), so the old execCommand path is the
 * fallback; both failing is an error in words, shown by the caller.
 */
export async function copyText(text: string, doc: Document = document): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch (error) {
    if (copyWithSelection(text, doc)) return;
    throw new Error(`the clipboard refused the copy (${error instanceof Error ? error.message : String(error)})`);
  }
}

function copyWithSelection(text: string, doc: Document): boolean {
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  doc.body.append(area);
  area.select();
  try {
    return typeof doc.execCommand === 'function' && doc.execCommand('copy');
  } finally {
    area.remove();
  }
}
