// The organiser workspace's one script (server/workspace/): "Copy" buttons beside each link.
// Everything else is plain forms and links, so the pages work without it.
for (const button of document.querySelectorAll('button.ws-copy')) {
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      const status = button.closest('.ws-link')?.querySelector('.ws-url');
      button.setAttribute('aria-live', 'polite');
      button.firstChild.textContent = button.dataset.done;
      if (status) status.select();
    } catch {
      button.closest('.ws-link')?.querySelector('.ws-url')?.select();
    }
  });
}
