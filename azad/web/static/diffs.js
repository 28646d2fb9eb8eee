// Review by difference: the page's "Show what changed" toggle shows each segment's word
// diff against its machine draft and, after an approval, against the approved text. The
// choice is remembered in this browser (localStorage), for every article. The rows follow
// the text: live.js hands each segment's new rows (azad/web/live_state.py) to update().
(function () {
  "use strict";
  const toggle = document.getElementById("show-diffs");
  const KEY = "azad.showDiffs";
  const LABELS = { machine: "Changed from the machine draft: ", approved: "Changed since the approval: " };

  // The server's word diff (azad/review/diff.py) as nodes: removed words struck through,
  // added ones underlined. Built with text nodes only.
  function nodes(tokens) {
    const tags = { eq: "span", del: "del", ins: "ins" };
    const out = [];
    for (const t of tokens || []) {
      const el = document.createElement(tags[t.op] || "span");
      el.textContent = t.text;
      out.push(el, document.createTextNode(" "));
    }
    return out;
  }

  // An empty row (nothing to compare) stays hidden with the toggle on.
  function show(row) { row.hidden = !(toggle && toggle.checked) || !row.textContent.trim(); }

  function update(seg, diffs) {
    const ta = seg.querySelector("textarea");
    for (const kind of Object.keys(LABELS)) {
      const row = seg.querySelector(".seg-diff.diff-" + kind);
      if (!row) continue;
      const tokens = diffs && diffs[kind];
      if (tokens) {
        const span = document.createElement("span");
        span.className = "wdiff";
        if (ta) { span.dir = ta.dir; span.lang = ta.lang; }
        span.append(...nodes(tokens));
        row.replaceChildren(LABELS[kind], span);
      } else {
        row.replaceChildren();
      }
      show(row);
    }
  }

  window.azadDiffs = { nodes, update };
  if (!toggle) return;
  function apply(on) {
    document.body.classList.toggle("show-diffs", on);
    document.querySelectorAll(".seg-diff").forEach(show);
  }
  let stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }
  toggle.checked = stored === "on";
  apply(toggle.checked);
  toggle.addEventListener("change", () => {
    try { window.localStorage.setItem(KEY, toggle.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    apply(toggle.checked);
  });
})();
