// Review by difference: the page's "Show what changed" toggle shows each segment's word
// diff against its machine draft and, after an approval, against the approved text. The
// choice is remembered in this browser (localStorage), for every article.
(function () {
  "use strict";
  const toggle = document.getElementById("show-diffs");
  if (!toggle) return;
  const KEY = "azad.showDiffs";
  function apply(on) {
    document.body.classList.toggle("show-diffs", on);
    document.querySelectorAll(".seg-diff").forEach((el) => { el.hidden = !on; });
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
