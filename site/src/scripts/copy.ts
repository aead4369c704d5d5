/**
 * Copy-to-clipboard buttons: `<button data-copy="text">` or `data-copy-target="#id"`. Where the
 * Clipboard API is missing (pages served over plain http on a LAN), the text is selected and
 * copied with the legacy command, or left selected for the user to copy.
 */
function textFor(button: HTMLElement): { text: string; target: Element | null } {
  const target = button.dataset.copyTarget ? document.querySelector(button.dataset.copyTarget) : null;
  return { text: target?.textContent ?? button.dataset.copy ?? "", target };
}

function legacyCopy(target: Element | null): boolean {
  if (!target) return false;
  const selection = window.getSelection();
  selection?.selectAllChildren(target);
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

async function copy(button: HTMLElement): Promise<void> {
  const { text, target } = textFor(button);
  const status = button.querySelector<HTMLElement>("[data-copy-status]") ?? button;
  const label = status.textContent;
  let copied = false;
  try {
    await navigator.clipboard.writeText(text);
    copied = true;
  } catch {
    copied = legacyCopy(target);
  }
  status.textContent = copied ? "Copied" : "Selected: press Ctrl+C";
  if (copied) button.dataset.copied = "true";
  setTimeout(() => {
    status.textContent = label;
    delete button.dataset.copied;
  }, 2000);
}

document.addEventListener("click", (event) => {
  const button = (event.target as Element | null)?.closest<HTMLElement>("[data-copy], [data-copy-target]");
  if (button) void copy(button);
});
