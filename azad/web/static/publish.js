// The editor page's publish run: while the run is submitted or running, ask the server for
// its state every two seconds and show it. Text from the server is set with .textContent.
(function () {
  "use strict";
  const box = document.getElementById("publish-run");
  if (!box || box.dataset.active !== "true") return;
  const label = box.querySelector(".label");
  const status = document.getElementById("status");
  const POLL_MS = 2000;

  async function poll() {
    let data;
    try {
      const response = await fetch(box.dataset.url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch (err) {
      window.setTimeout(poll, POLL_MS * 3); // the server restarts or the network is away
      return;
    }
    if (data.run) {
      label.textContent = data.run.label;
      box.className = "publish-run run-" + data.run.state;
      box.hidden = false;
    }
    if (status && data.status) {
      status.textContent = data.status;
      status.className = "badge status-" + data.status.replace(/ /g, "-");
    }
    if (data.run && data.run.active) {
      window.setTimeout(poll, POLL_MS);
    } else {
      release(data.status);
    }
  }

  // The run is over (completed or failed): Publish can be pressed again without a reload
  // (workbench.js disabled it, or the server rendered it disabled while the run went).
  function release(state) {
    const form = document.getElementById("publish-form");
    const button = form && form.querySelector("button");
    if (!button) return;
    delete form.dataset.sent;
    button.disabled = false;
    button.textContent = state === "published" ? "Publish again" : "Publish";
  }

  window.setTimeout(poll, POLL_MS);
})();
