// Talking on the editor page: comments on a segment, dismissing a QA warning, and the
// warning when a save went into someone else's claim. Text from the server is only ever
// set with .textContent, never as HTML.
(function () {
  "use strict";
  const root = document.getElementById("segments");
  if (!root) return;
  const api = root.dataset.api;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      credentials: "same-origin",
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, data: data, status: response.status };
  }

  // A "dismiss" button after each warning still standing.
  function addDismissButtons(seg) {
    seg.querySelectorAll("ul.qa > li[data-check]").forEach((li) => {
      if (li.querySelector("button.dismiss")) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "dismiss";
      button.textContent = "dismiss";
      button.setAttribute("aria-label", "Dismiss the warning: " + li.textContent);
      li.append(" ", button);
    });
  }

  function showWarnings(seg, warnings, checks) {
    seg.querySelector("ul.qa").replaceChildren(...warnings.map((w, i) => {
      const li = document.createElement("li");
      li.textContent = w;
      li.dataset.check = checks[i] || "";
      return li;
    }));
    addDismissButtons(seg);
  }

  function showDismissed(seg, dismissed) {
    let list = seg.querySelector("ul.dismissed");
    if (!list) {
      list = document.createElement("ul");
      list.className = "dismissed";
      seg.querySelector("ul.qa").after(list);
    }
    list.replaceChildren(...dismissed.map((d) => {
      const li = document.createElement("li");
      li.dataset.check = d.check;
      li.textContent = d.message + " · dismissed by " + (d.by_name || d.by) + " (" + d.at.replace("T", " ") + ")";
      return li;
    }));
    addRestoreButtons(seg);
  }

  // A "restore" button after each dismissed warning: whoever disagrees brings it back.
  function addRestoreButtons(seg) {
    seg.querySelectorAll("ul.dismissed > li[data-check]").forEach((li) => {
      if (li.querySelector("button.restore")) return;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "restore";
      button.textContent = "restore";
      button.setAttribute("aria-label", "Restore the “" + li.dataset.check + "” warning");
      li.append(" ", button);
    });
  }

  function showComments(seg, comments) {
    seg.querySelector(".talk .thread").replaceChildren(...comments.map((c) => {
      const li = document.createElement("li");
      li.className = "kind-" + c.kind.replace(/ /g, "-");
      const who = document.createElement("strong");
      who.textContent = c.by_name || c.by;
      const when = document.createElement("small");
      when.textContent = "(" + c.role + ", " + c.at.replace("T", " ") + ")";
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = c.text;
      li.append(who, " ", when, c.kind === "send back" ? " sent it back: " : ": ", text);
      return li;
    }));
    seg.querySelector(".comment-count").textContent = String(comments.length);
  }

  root.querySelectorAll(".seg").forEach((seg) => {
    addDismissButtons(seg);
    addRestoreButtons(seg);
  });

  root.addEventListener("submit", async (ev) => {
    const form = ev.target;
    if (!form.classList.contains("comment-form")) return;
    ev.preventDefault();
    const seg = form.closest(".seg");
    const input = form.querySelector('input[name="text"]');
    const state = form.querySelector(".comment-state");
    state.textContent = "sending…";
    const url = api + encodeURIComponent(seg.dataset.ctx) + "/comments";
    const r = await post(url, { text: input.value }).catch(() => null);
    if (!r || !r.ok) {
      state.textContent = "not sent: " + (r ? r.data.error || r.status : "no connection");
      return;
    }
    showComments(seg, r.data.comments);
    input.value = "";
    state.textContent = "comment added";
  });

  root.addEventListener("click", async (ev) => {
    const button = ev.target.closest("button.dismiss, button.restore");
    if (!button) return;
    const restoring = button.classList.contains("restore");
    const seg = button.closest(".seg");
    const li = button.closest("li");
    const url = api + encodeURIComponent(seg.dataset.ctx) + (restoring ? "/restore" : "/dismiss");
    const r = await post(url, { check: li.dataset.check, rev: seg.dataset.rev }).catch(() => null);
    const state = seg.querySelector(".state");
    if (!r || !r.ok) {
      const what = restoring ? "not restored: " : "not dismissed: ";
      state.textContent = what + (r ? r.data.error || r.status : "no connection");
      return;
    }
    showWarnings(seg, r.data.warnings, r.data.checks);
    showDismissed(seg, r.data.dismissed);
    if (r.data.comments) showComments(seg, r.data.comments);
    state.textContent = restoring ? "warning restored" : "warning dismissed";
  });

  root.addEventListener("azad:saved", (ev) => {
    const seg = ev.target;
    const data = ev.detail;
    showWarnings(seg, data.warnings, data.checks || []);
    // A warning that is back (its dismissal covered another text) is no longer dismissed.
    seg.querySelectorAll("ul.dismissed > li").forEach((li) => {
      if ((data.checks || []).includes(li.dataset.check)) li.remove();
    });
    if (data.warning) {
      const state = seg.querySelector(".state");
      state.textContent += " · " + data.warning;
      const banner = document.getElementById("claim-warning");
      if (banner && banner.hidden) {
        const p = document.createElement("p");
        p.textContent = "Claimed by " + data.claimed_by + ": " + data.warning;
        banner.replaceChildren(p);
        banner.hidden = false;
      }
    }
  });
})();
