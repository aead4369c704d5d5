/** Copy-to-clipboard buttons: `<button data-copy="text">` or `data-copy-target="#id"`. */
function textFor(button: HTMLElement): string {
  const target = button.dataset.copyTarget ? document.querySelector(button.dataset.copyTarget) : null;
  return target?.textContent ?? button.dataset.copy ?? "";
}

async function copy(button: HTMLElement): Promise<void> {
  const text = textFor(button);
  const status = button.querySelector<HTMLElement>("[data-copy-status]") ?? button;
  const label = status.textContent;
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = "Copied";
  } catch {
    status.textContent = "Select and copy";
  }
  button.dataset.copied = "true";
  setTimeout(() => {
    status.textContent = label;
    delete button.dataset.copied;
  }, 2000);
}

document.addEventListener("click", (event) => {
  const button = (event.target as Element | null)?.closest<HTMLElement>("[data-copy], [data-copy-target]");
  if (button) void copy(button);
});
