// Live pages: the editor and queue pages follow changes made anywhere (web app, command
// line, flows, CAT-tool imports) through the server's event stream (azad/web/
// live.py), and poll when the server has no stream left. An unsaved edit is never
// replaced: a change by someone else meets the conflict panel. On the editor page the
// checks also run again as you type. Text from the server is only set with .textContent
// and .value, never as HTML (the queue's table is the server's own escaped page).
(function () {
  "use strict";
  const momentNodes = window.azadMoment; // static/moment.js
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const liveNote = document.getElementById("live-state");

  function setLive(state, text) {
    document.body.dataset.live = state;
    if (liveNote) liveNote.textContent = text;
  }

  // Opens the stream; calls onOpen after each (re)connection, onEvent per event; when
  // the server refuses (503: no stream left) or the stream is gone for good, polls.
  function follow(url, handlers, onOpen, poll, pollMs) {
    let timer = null;
    function startPolling() {
      if (timer) return;
      setLive("polling", "Live updates: checking every " + Math.round(pollMs / 1000) + " s");
      timer = setInterval(poll, pollMs);
      // Try for a stream again now and then: the server may have room again.
      setTimeout(() => { clearInterval(timer); timer = null; connect(); }, pollMs * 6);
    }
    function connect() {
      if (!window.EventSource) { startPolling(); return; }
      const es = new EventSource(url);
      es.addEventListener("hello", () => { setLive("on", "Live: changes show as they happen"); onOpen(); });
      for (const [name, fn] of Object.entries(handlers)) {
        es.addEventListener(name, (ev) => fn(JSON.parse(ev.data)));
      }
      es.addEventListener("logout", () => { es.close(); setLive("off", "Logged out: reload the page"); });
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) { es.close(); startPolling(); }
        else setLive("reconnecting", "Live: reconnecting…");
      };
      window.addEventListener("pagehide", () => es.close());
    }
    connect();
  }

  // ---- the editor page ------------------------------------------------------------------
  const root = document.getElementById("segments");
  if (root && root.dataset.events) {
    const api = root.dataset.api;
    const base = root.dataset.base;
    const pollMs = 1000 * Number(root.dataset.fallback || 10);
    const stateLabel = (s) => (s === "reviewed" ? "reviewed" : s === "draft" ? "draft" : "untranslated");

    function words(t) { return t.split(/\s+/).filter(Boolean); }
    // A word diff of b against a (longest common subsequence; segments are short).
    function wordDiff(a, b) {
      const x = words(a), y = words(b);
      const n = x.length, m = y.length;
      const L = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
      for (let i = n - 1; i >= 0; i--)
        for (let j = m - 1; j >= 0; j--)
          L[i][j] = x[i] === y[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
      const out = [];
      let i = 0, j = 0;
      const push = (tag, w) => { const el = document.createElement(tag); el.textContent = w; out.push(el, document.createTextNode(" ")); };
      while (i < n && j < m) {
        if (x[i] === y[j]) { push("span", x[i]); i++; j++; }
        else if (L[i + 1][j] >= L[i][j + 1]) push("del", x[i++]);
        else push("ins", y[j++]);
      }
      while (i < n) push("del", x[i++]);
      while (j < m) push("ins", y[j++]);
      return out;
    }

    function applySummary(d) {
      const badge = document.getElementById("status");
      if (badge && d.status) {
        badge.textContent = d.status;
        badge.className = "badge status-" + d.status.replace(/ /g, "-");
      }
      const bar = document.getElementById("progress");
      if (bar) { bar.max = d.total; bar.value = d.reviewed; }
      const text = document.getElementById("progress-text");
      if (text) text.textContent = d.reviewed + "/" + d.total + " reviewed";
      let qa = document.querySelector(".article-head .qa-summary");
      const kinds = Object.entries(d.qa || {});
      if (!qa && kinds.length) {
        qa = document.createElement("p");
        qa.className = "qa-summary";
        document.querySelector(".article-head .progress").after(qa);
      }
      if (qa) {
        qa.hidden = kinds.length === 0;
        qa.replaceChildren("QA: ", ...kinds.flatMap(([kind, n]) => {
          const a = document.createElement("a");
          a.href = base + "?filter=" + encodeURIComponent("check:" + kind);
          a.textContent = kind + " " + n;
          return [a];
        }));
      }
      for (const [name, n] of Object.entries(d.filters || {})) {
        document.querySelectorAll('li[data-filter="' + name + '"]').forEach((li) => { li.querySelector("a").textContent = li.dataset.label + " " + n; });
        document.querySelectorAll('option[data-filter-option="' + name + '"]').forEach((el) => { el.textContent = el.dataset.label + " (" + n + ")"; });
      }
      window.azadOpenQuestions(d.open_questions || 0); // static/talk.js
    }

    function applySegment(s) {
      const seg = document.getElementById("seg-" + s.ctx);
      if (!seg) return;
      if (seg.dataset.saving) { setTimeout(() => applySegment(s), 300); return; }
      const ta = seg.querySelector("textarea");
      const dirty = ta.classList.contains("dirty");
      if (s.comments) seg.dispatchEvent(new CustomEvent("azad:thread", { bubbles: true, detail: s.comments }));
      const marker = seg.querySelector(".marker-unchanged");
      if (marker && "unchanged" in s) marker.hidden = !s.unchanged;
      if (s.rev === seg.dataset.rev) {
        // What this page shows already (e.g. our own save): only the diff rows follow it.
        if (!dirty && "diffs" in s) window.azadDiffs.update(seg, s.diffs);
        return;
      }
      if (dirty && s.text !== ta.value) {
        // Someone else saved while this text was being edited: keep both, show the panel.
        const box = seg.querySelector(".conflict");
        box.querySelector(".theirs").textContent = s.text;
        box.querySelector(".theirs-state").textContent = stateLabel(s.state);
        box.querySelector(".yours").textContent = ta.value;
        box.querySelector(".who").replaceChildren(...(s.by
          ? [" (" + s.by + ", ", ...momentNodes(s.at_shown || s.at), ", while you were editing)"]
          : [" (while you were editing)"]));
        box.querySelector(".diff").replaceChildren(...wordDiff(s.text, ta.value));
        box.hidden = false;
        // The page's revision stays: a save now meets the server's conflict answer;
        // "Keep mine" saves over the text the panel shows.
        seg.dataset.panelRev = s.rev;
        seg.dataset.theirs = s.text;
        seg.dataset.theirsState = s.state;
        seg.dataset.wanted = "reviewed";
        seg.querySelector(".state").textContent = "conflict";
        return;
      }
      ta.value = s.text;
      ta.classList.remove("dirty");
      seg.dataset.rev = s.rev;
      seg.classList.toggle("is-reviewed", s.state === "reviewed");
      seg.querySelector(".state").textContent = stateLabel(s.state) + " · changed by someone else";
      if ("diffs" in s) window.azadDiffs.update(seg, s.diffs);
      seg.classList.add("just-changed");
      setTimeout(() => seg.classList.remove("just-changed"), 3000);
      seg.dispatchEvent(new CustomEvent("azad:updated", { bubbles: true, detail: s }));
    }

    // After (re)connecting, or when polling: bring the page up to what the file holds.
    async function resync() {
      const r = await fetch(root.dataset.events, { headers: { Accept: "application/json" }, credentials: "same-origin" }).catch(() => null);
      if (!r || !r.ok) return;
      const d = await r.json();
      applySummary(d);
      for (const seg of root.querySelectorAll(".seg")) {
        const rev = d.revs[seg.dataset.ctx];
        if (!rev || rev === seg.dataset.rev) continue;
        const one = await fetch(api + encodeURIComponent(seg.dataset.ctx), { credentials: "same-origin" }).catch(() => null);
        if (one && one.ok) applySegment(await one.json());
      }
    }

    follow(root.dataset.events, {
      translation: (d) => { applySummary(d); (d.segments || []).forEach(applySegment); },
    }, resync, resync, pollMs);

    // The checks again while typing (debounced), through the API: nothing is saved.
    const pending = new Map();
    root.addEventListener("input", (ev) => {
      const ta = ev.target;
      if (!(ta instanceof HTMLTextAreaElement)) return;
      const seg = ta.closest(".seg");
      clearTimeout(pending.get(seg));
      pending.set(seg, setTimeout(async () => {
        const r = await fetch(api + encodeURIComponent(seg.dataset.ctx) + "/check", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          credentials: "same-origin",
          body: JSON.stringify({ text: ta.value }),
        }).catch(() => null);
        if (!r || !r.ok) return;
        const d = await r.json();
        seg.dispatchEvent(new CustomEvent("azad:checked", { bubbles: true, detail: d }));
      }, 400));
    });
  }

  // ---- the queue page -------------------------------------------------------------------
  const table = document.getElementById("queue-live");
  if (table && table.dataset.events) {
    const pollMs = 1000 * Number(table.dataset.fallback || 10);
    let timer = null;
    let version = null;
    async function refresh() {
      timer = null;
      const r = await fetch(location.href, { credentials: "same-origin" }).catch(() => null);
      if (!r || !r.ok) return;
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      const fresh = doc.getElementById("queue-live");
      if (fresh) table.replaceChildren(...fresh.childNodes);
      // The status filter's counts.
      doc.querySelectorAll('select[name="status"] option').forEach((opt) => {
        const mine = document.querySelector('select[name="status"] option[value="' + opt.value + '"]');
        if (mine) mine.textContent = opt.textContent;
      });
    }
    const soon = () => { if (!timer) timer = setTimeout(refresh, 250); };
    async function poll() {
      const r = await fetch(table.dataset.events, { headers: { Accept: "application/json" }, credentials: "same-origin" }).catch(() => null);
      if (!r || !r.ok) return;
      const d = await r.json();
      if (version !== null && d.version !== version) soon();
      version = d.version;
    }
    let opened = 0;
    // A reconnection may have missed changes: look again (not on the first opening).
    follow(table.dataset.events, { queue: soon }, () => { if (opened++) soon(); }, poll, pollMs);
  }
})();
