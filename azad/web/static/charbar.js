// Typing Dari and Pashto on any keyboard: the character bar, the insertable terms and
// numbers of each segment (.chip), and the shortcuts listed under "Keyboard shortcuts".
//
// Every insertion goes in at the caret (replacing the selection) of the translation being
// edited, through setRangeText, and then fires an "input" event like typing does, so
// editor.js marks the segment unsaved and saves it as usual. The buttons never take the
// caret away: a mouse press on them is cancelled (focus stays in the text), and a keyboard
// user who Tabs to them finds the textarea's selection where it was (a textarea keeps it
// when it loses focus); after inserting, focus goes back to the text.
(function () {
  "use strict";
  const root = document.getElementById("segments");
  const bar = document.getElementById("charbar");
  if (!root || !bar) return;
  const keys = () => Array.from(bar.querySelectorAll("button"));
  let current = null; // the translation last focused

  // The bar follows the translation being edited: right after its textarea, so that Tab
  // from the text reaches it at once and it is on screen where the caret is.
  function attach(ta) {
    current = ta;
    if (ta.nextElementSibling !== bar) ta.after(bar);
    bar.hidden = false;
  }

  function insert(ta, text) {
    if (!ta) return;
    ta.focus();
    const start = ta.selectionStart, end = ta.selectionEnd;
    ta.setRangeText(text, start, end, "end");
    ta.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text }));
  }

  root.addEventListener("focusin", (ev) => {
    if (ev.target instanceof HTMLTextAreaElement) attach(ev.target);
  });

  // A mouse press on a bar key or a chip must not move focus out of the text.
  root.addEventListener("mousedown", (ev) => {
    if (ev.target.closest && ev.target.closest("#charbar button, button.chip")) ev.preventDefault();
  });

  root.addEventListener("click", (ev) => {
    const button = ev.target.closest && ev.target.closest("#charbar button, button.chip");
    if (!button) return;
    if (button.classList.contains("chip")) {
      // A segment's own chip writes into that segment's translation.
      insert(button.closest(".seg").querySelector("textarea"), button.dataset.insert);
    } else {
      insert(current, button.dataset.char);
    }
  });

  // The bar is one Tab stop (WAI-ARIA toolbar): arrows, Home and End move inside it.
  bar.addEventListener("keydown", (ev) => {
    const all = keys();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    const rtl = getComputedStyle(bar).direction === "rtl";
    let to = null;
    if (ev.key === "ArrowRight") to = rtl ? at - 1 : at + 1;
    else if (ev.key === "ArrowLeft") to = rtl ? at + 1 : at - 1;
    else if (ev.key === "Home") to = 0;
    else if (ev.key === "End") to = all.length - 1;
    else if (ev.key === "Escape" && current) { ev.preventDefault(); current.focus(); return; }
    if (to === null) return;
    ev.preventDefault();
    to = (to + all.length) % all.length;
    all[at].tabIndex = -1;
    all[to].tabIndex = 0;
    all[to].focus();
  });

  const SHORTCUTS = {};
  for (const b of keys()) {
    const k = b.getAttribute("aria-keyshortcuts");
    if (k) SHORTCUTS[k.toLowerCase()] = b.dataset.char;
  }

  function unreviewed(seg, step) {
    const all = Array.from(root.querySelectorAll(".seg"));
    for (let i = all.indexOf(seg) + step; i >= 0 && i < all.length; i += step) {
      if (!all[i].classList.contains("is-reviewed")) return all[i];
    }
    return null;
  }

  root.addEventListener("keydown", (ev) => {
    const ta = ev.target;
    if (!(ta instanceof HTMLTextAreaElement) || !ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const seg = ta.closest(".seg");
    // ev.code, not ev.key: with a Dari or Pashto layout Alt+Z gives another letter.
    const letter = /^Key([A-Z])$/.exec(ev.code);
    const char = letter && !ev.shiftKey ? SHORTCUTS["alt+" + letter[1].toLowerCase()] : undefined;
    if (char !== undefined) {
      ev.preventDefault();
      insert(ta, char);
    } else if (ev.code === "KeyT" && !ev.shiftKey) {
      const take = seg.querySelector(".tm button.insert");
      if (take) { ev.preventDefault(); take.click(); }
    } else if (ev.code === "KeyP" && !ev.shiftKey) {
      const take = seg.querySelector(".earlier button.insert");
      if (take) { ev.preventDefault(); take.click(); }
    } else if (ev.key === "PageDown" || ev.key === "PageUp") {
      ev.preventDefault();
      const next = unreviewed(seg, ev.key === "PageDown" ? 1 : -1);
      if (next) {
        const area = next.querySelector("textarea");
        area.focus();
        area.setSelectionRange(area.value.length, area.value.length);
        next.scrollIntoView({ block: "center" });
      }
    }
  });
})();
