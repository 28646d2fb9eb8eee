// The editor page's controls: Publish shows progress at once and cannot be pressed twice;
// one live region announces save results to screen readers. Separate from editor.js: it
// only watches what that script writes (the segments' .state labels).
(function () {
  "use strict";
  const publish = document.getElementById("publish-form");
  if (publish) {
    publish.addEventListener("submit", (ev) => {
      const button = publish.querySelector("button");
      if (button.disabled) { ev.preventDefault(); return; }
      // Disabled after the submit has been taken (a disabled button's form still posts).
      window.setTimeout(() => { button.disabled = true; }, 0);
      button.textContent = "Publishing…";
      const box = document.getElementById("publish-run");
      if (box) {
        box.hidden = false;
        box.className = "publish-run run-submitted";
        const label = box.querySelector(".label");
        if (label) label.textContent = "Publishing… (submitting the run)";
      }
    });
  }
  // A second press of any action form while it is being sent does nothing.
  document.querySelectorAll("form.action-form").forEach((form) => {
    form.addEventListener("submit", (ev) => {
      if (form.dataset.sent === "true") { ev.preventDefault(); return; }
      form.dataset.sent = "true";
    });
  });

  const live = document.getElementById("save-status");
  const root = document.getElementById("segments");
  if (!live || !root) return;
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target.nodeType === Node.TEXT_NODE ? r.target.parentElement : r.target;
      const state = el && el.closest ? el.closest(".state") : null;
      if (!state) continue;
      const text = state.textContent;
      if (!text || text === "saving…") continue;
      const seg = state.closest(".seg");
      live.textContent = (seg ? "Segment " + seg.dataset.ctx + ": " : "") + text;
    }
  });
  observer.observe(root, { subtree: true, childList: true, characterData: true });
})();
