// Saves text the page holds (a generated key) as a file, without sending it anywhere.
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has started by now; revoking later keeps slow browsers from losing it.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The text of a file the user picked (a private key, a CA bundle). */
export function readFileText(file: File): Promise<string> {
  return file.text();
}
