// The editor page: saves segments through the JSON API, keyboard shortcuts, conflict
// display. Text from the server is only ever set with .value / .textContent, never as HTML.
(function () {
  "use strict";
  const root = document.getElementById("segments");
  if (!root) return;
  const api = root.dataset.api;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const segs = () => Array.from(root.querySelectorAll(".seg"));

  function focusSeg(seg) {
    if (!seg) return;
    const ta = seg.querySelector("textarea");
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
    seg.scrollIntoView({ block: "center" });
  }

  function neighbour(seg, step) {
    const all = segs();
    return all[all.indexOf(seg) + step];
  }

  function setProgress(reviewed, total) {
    const bar = document.getElementById("progress");
    bar.max = total;
    bar.value = reviewed;
    document.getElementById("progress-text").textContent = reviewed + "/" + total + " reviewed";
  }

  function showWarnings(seg, warnings) {
    const list = seg.querySelector("ul.qa");
    list.replaceChildren(...warnings.map((w) => {
      const li = document.createElement("li");
      li.textContent = w;
      return li;
    }));
  }

  function stateLabel(state) {
    return state === "reviewed" ? "reviewed" : state === "draft" ? "draft" : "untranslated";
  }

  function setStatus(status) {
    const badge = document.getElementById("status");
    if (!badge || !status) return;
    badge.textContent = status;
    badge.className = "badge status-" + status.replace(/ /g, "-");
  }

  async function save(seg, reviewed, text) {
    // live.js holds changes to this segment back until the answer is in.
    seg.dataset.saving = "1";
    try {
      return await saveNow(seg, reviewed, text);
    } finally {
      delete seg.dataset.saving;
    }
  }

  async function saveNow(seg, reviewed, text) {
    const ta = seg.querySelector("textarea");
    const state = seg.querySelector(".state");
    state.textContent = "saving…";
    seg.dataset.wanted = reviewed ? "reviewed" : "draft";
    let response;
    try {
      response = await fetch(api + encodeURIComponent(seg.dataset.ctx), {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        credentials: "same-origin",
        body: JSON.stringify({ text: text ?? ta.value, rev: seg.dataset.rev, reviewed: reviewed }),
      });
    } catch (err) {
      state.textContent = "not saved: no connection";
      return false;
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 409) {
      const box = seg.querySelector(".conflict");
      const current = data.current;
      box.querySelector(".theirs").textContent = current.text;
      box.querySelector(".theirs-state").textContent = stateLabel(current.state);
      box.querySelector(".yours").textContent = data.yours.text;
      box.querySelector(".who").textContent = current.by
        ? " (" + (current.by_name || current.by) + ", " + (current.at_shown || current.at) + ")"
        : "";
      box.querySelector(".diff").replaceChildren(...window.azadDiffs.nodes(data.diff));
      box.hidden = false;
      // The next save goes against what is in the file now: the translator has seen it.
      seg.dataset.rev = current.rev;
      delete seg.dataset.panelRev;
      seg.dataset.theirs = current.text;
      seg.dataset.theirsState = current.state;
      state.textContent = "conflict";
      return false;
    }
    if (!response.ok) {
      state.textContent = "not saved: " + (data.error || response.status);
      return false;
    }
    seg.dataset.rev = data.rev;
    delete seg.dataset.panelRev;
    ta.value = data.text;
    ta.classList.remove("dirty");
    seg.classList.toggle("is-reviewed", data.reviewed);
    seg.querySelector(".conflict").hidden = true;
    state.textContent = data.reviewed ? "reviewed ✓ saved" : "draft saved";
    showWarnings(seg, data.warnings);
    setProgress(data.reviewed_count, data.total);
    setStatus(data.status);
    // The Approve button approves what this page has shown: it follows this save only if
    // nothing else changed the translation since the page showed it.
    const approveRev = document.querySelector('#approve-form input[name="rev"]');
    if (approveRev && approveRev.value === data.content_rev_before) {
      approveRev.value = data.content_rev;
    }
    // talk.js shows a claim warning and offers dismissing the new warnings.
    seg.dispatchEvent(new CustomEvent("azad:saved", { bubbles: true, detail: data }));
    return true;
  }

  root.addEventListener("keydown", async (ev) => {
    const ta = ev.target;
    if (!(ta instanceof HTMLTextAreaElement)) return;
    const seg = ta.closest(".seg");
    const ctrl = ev.ctrlKey || ev.metaKey;
    if (ctrl && ev.key === "Enter") {
      ev.preventDefault();
      if (await save(seg, true)) focusSeg(neighbour(seg, 1));
    } else if (ctrl && (ev.key === "s" || ev.key === "S")) {
      ev.preventDefault();
      await save(seg, false);
    } else if (ev.altKey && ev.key === "ArrowDown") {
      ev.preventDefault();
      focusSeg(neighbour(seg, 1));
    } else if (ev.altKey && ev.key === "ArrowUp") {
      ev.preventDefault();
      focusSeg(neighbour(seg, -1));
    }
  });

  root.addEventListener("input", (ev) => {
    if (ev.target instanceof HTMLTextAreaElement) ev.target.classList.add("dirty");
  });

  root.addEventListener("click", async (ev) => {
    const button = ev.target.closest("button");
    if (!button) return;
    const seg = button.closest(".seg");
    const ta = seg.querySelector("textarea");
    if (button.classList.contains("save")) {
      await save(seg, button.dataset.reviewed === "true");
    } else if (button.classList.contains("insert")) {
      ta.value = button.dataset.text;
      ta.classList.add("dirty");
      ta.focus();
    } else if (button.classList.contains("take-theirs")) {
      // The file already holds this text and state: nothing to save.
      if (seg.dataset.panelRev) seg.dataset.rev = seg.dataset.panelRev;
      ta.value = seg.dataset.theirs || "";
      seg.querySelector(".conflict").hidden = true;
      ta.classList.remove("dirty");
      const theirs = seg.dataset.theirsState || "draft";
      seg.classList.toggle("is-reviewed", theirs === "reviewed");
      seg.querySelector(".state").textContent = stateLabel(theirs);
    } else if (button.classList.contains("take-yours")) {
      // Yours, in the state you chose when you saved it, over the text the panel shows
      // (live.js shows one arriving while you edit without moving the page's revision).
      if (seg.dataset.panelRev) seg.dataset.rev = seg.dataset.panelRev;
      await save(
        seg,
        seg.dataset.wanted !== "draft",
        seg.querySelector(".conflict .yours").textContent,
      );
    }
  });

  window.addEventListener("beforeunload", (ev) => {
    if (root.querySelector("textarea.dirty")) ev.preventDefault();
  });
})();
