// Talking on the editor page: comments on a segment, dismissing a QA warning, and the
// warning when a save went into someone else's claim. Text from the server is only ever
// set with .textContent, never as HTML.
(function () {
  "use strict";
  const momentNodes = window.azadMoment; // static/moment.js
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

  // The header's count of open questions: after one's own comment or thread action at
  // once, and from the live stream after anyone's (live.js).
  function showOpenQuestions(n) {
    const open = document.getElementById("open-questions");
    if (!open || typeof n !== "number") return;
    open.querySelector(".n").textContent = String(n);
    open.classList.toggle("has-open", n > 0);
    open.querySelector(".s").textContent = n === 1 ? "" : "s";
  }
  window.azadOpenQuestions = showOpenQuestions;

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

  const me = root.dataset.user || "";

  function button(cls, label, aria) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    if (aria) b.setAttribute("aria-label", aria);
    return b;
  }

  // One comment as the server's template writes it (segment_talk.html).
  function commentItem(c, replies) {
    const li = document.createElement("li");
    li.className = "kind-" + c.kind.replace(/ /g, "-") + (c.deleted_at ? " deleted" : "") + (c.resolved_at ? " resolved" : "");
    li.dataset.id = String(c.id);
    const who = document.createElement("strong");
    const name = c.by_name || c.by;
    who.textContent = name;
    const when = document.createElement("small");
    when.replaceChildren("(" + c.role + ", ", ...momentNodes(c.at_shown || c.at.replace("T", " ")), ")");
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = c.deleted_at ? "deleted by " + name : c.text;
    li.append(who, " ", when, c.kind === "send back" ? " sent it back: " : ": ", text);
    if (c.edited_at && !c.deleted_at) {
      const e = document.createElement("small");
      e.className = "edited";
      e.textContent = " (edited)";
      li.append(e);
    }
    const tools = document.createElement("span");
    tools.className = "comment-tools";
    if (c.parent === null && c.kind === "comment" && !c.deleted_at) {
      const st = document.createElement("span");
      st.className = "thread-state";
      st.textContent = c.resolved_at ? "resolved by " + (c.resolved_by_name || c.resolved_by) : "open question";
      tools.append(st, " ", button(c.resolved_at ? "reopen" : "resolve", c.resolved_at ? "Reopen" : "Resolve",
        (c.resolved_at ? "Reopen" : "Resolve") + " the thread of " + name));
    }
    if (c.parent === null && !c.deleted_at) tools.append(" ", button("reply", "Reply", "Reply to " + name));
    if (c.by === me && !c.deleted_at) tools.append(" ", button("edit", "Edit", "Edit your comment"), " ", button("delete", "Delete", "Delete your comment"));
    li.append(" ", tools);
    if (replies && replies.length) {
      const ol = document.createElement("ol");
      ol.className = "replies";
      ol.append(...replies.map((r) => commentItem(r, null)));
      li.append(ol);
    }
    return li;
  }

  // What each segment's thread was last drawn from: the same thread sent again is not
  // drawn again (a button being pressed in it would be replaced under the pointer).
  const drawn = new WeakMap();

  function showComments(seg, comments) {
    // Keys in one order: the API's answer and the stream's event may list them apart.
    const json = JSON.stringify(comments, [...new Set(comments.flatMap(Object.keys))].sort());
    if (drawn.get(seg) === json) return;
    drawn.set(seg, json);
    const roots = comments.filter((c) => c.parent === null || c.parent === undefined);
    seg.querySelector(".talk .thread").replaceChildren(...roots.map((c) =>
      commentItem(c, comments.filter((r) => r.parent === c.id))));
    seg.querySelector(".comment-count").textContent = String(comments.filter((c) => !c.deleted_at).length);
  }

  // An inline form under a comment: a reply, or the comment's new text.
  function inlineForm(li, kind, value) {
    const old = li.querySelector(":scope > form.inline-talk");
    if (old) { old.remove(); return; }
    const form = document.createElement("form");
    form.className = "inline-talk";
    form.dataset.kind = kind;
    const id = "talk-" + kind + "-" + li.dataset.id;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = kind === "reply" ? "Your reply" : "Your comment, corrected";
    const input = document.createElement("input");
    input.id = id;
    input.name = "text";
    input.required = true;
    input.maxLength = 4000;
    input.value = value || "";
    const send = document.createElement("button");
    send.type = "submit";
    send.textContent = kind === "reply" ? "Send reply" : "Save comment";
    form.append(label, " ", input, " ", send);
    li.querySelector(":scope > .comment-tools").after(form);
    input.focus();
  }

  root.querySelectorAll(".seg").forEach((seg) => {
    addDismissButtons(seg);
    addRestoreButtons(seg);
  });

  root.addEventListener("submit", async (ev) => {
    const form = ev.target;
    if (form.classList.contains("inline-talk")) {
      ev.preventDefault();
      const seg = form.closest(".seg");
      const id = Number(form.closest("li").dataset.id);
      const text = form.querySelector("input").value;
      const base = api + encodeURIComponent(seg.dataset.ctx) + "/comments";
      const r = form.dataset.kind === "reply"
        ? await post(base, { text: text, reply_to: id }).catch(() => null)
        : await post(base + "/" + id, { action: "edit", text: text }).catch(() => null);
      const state = seg.querySelector(".comment-state");
      if (!r || !r.ok) {
        state.textContent = "not sent: " + (r ? r.data.error || r.status : "no connection");
        return;
      }
      showComments(seg, r.data.comments);
      showOpenQuestions(r.data.open_questions);
      state.textContent = form.dataset.kind === "reply" ? "reply added" : "comment edited";
      return;
    }
    if (!form.classList.contains("comment-form")) return;
    // The segment's one field also says what needs work: "Send this segment back"
    // submits the form to the server as it is (a page load, as before).
    if (ev.submitter && ev.submitter.classList.contains("send-back-one")) return;
    ev.preventDefault();
    const seg = form.closest(".seg");
    const input = form.querySelector('input[name="comment"]');
    const state = form.querySelector(".comment-state");
    state.textContent = "sending…";
    const url = api + encodeURIComponent(seg.dataset.ctx) + "/comments";
    const r = await post(url, { text: input.value }).catch(() => null);
    if (!r || !r.ok) {
      state.textContent = "not sent: " + (r ? r.data.error || r.status : "no connection");
      return;
    }
    showComments(seg, r.data.comments);
    showOpenQuestions(r.data.open_questions);
    input.value = "";
    state.textContent = "comment added";
  });

  root.addEventListener("click", async (ev) => {
    const b = ev.target.closest(".thread button");
    if (!b) return;
    const seg = b.closest(".seg");
    const li = b.closest("li");
    if (b.classList.contains("reply")) { inlineForm(li, "reply", ""); return; }
    if (b.classList.contains("edit")) { inlineForm(li, "edit", li.querySelector(":scope > .text").textContent); return; }
    const action = ["resolve", "reopen", "delete"].find((a) => b.classList.contains(a));
    if (!action) return;
    const url = api + encodeURIComponent(seg.dataset.ctx) + "/comments/" + li.dataset.id;
    const r = await post(url, { action: action }).catch(() => null);
    const state = seg.querySelector(".comment-state");
    if (!r || !r.ok) {
      state.textContent = "not done: " + (r ? r.data.error || r.status : "no connection");
      return;
    }
    showComments(seg, r.data.comments);
    showOpenQuestions(r.data.open_questions);
    state.textContent = { resolve: "thread resolved", reopen: "thread reopened", delete: "comment deleted" }[action];
  });

  // live.js: the thread, the warnings of a segment someone else changed, and the
  // warnings of the text being typed.
  root.addEventListener("azad:thread", (ev) => {
    const seg = ev.target;
    if (seg.querySelector(".talk form.inline-talk")) return; // a reply being written stays
    showComments(seg, ev.detail);
  });
  root.addEventListener("azad:updated", (ev) => showWarnings(ev.target, ev.detail.warnings, ev.detail.checks || []));
  root.addEventListener("azad:checked", (ev) => showWarnings(ev.target, ev.detail.warnings, ev.detail.checks || []));

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
