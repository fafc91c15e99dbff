/** Saves a Blob as a file the way a page can: an object URL on a clicked `<a download>`. */
export function saveBlob(blob: Blob, name: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name || 'download';
  link.style.display = 'none';
  doc.body.append(link);
  link.click();
  link.remove();
  // The click starts the download synchronously; the URL may go on the next task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
