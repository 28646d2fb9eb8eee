// A moment as the server writes it (templating.when): the Afghan solar date after the
// time gets a right-to-left span of its own, as in the server's pages, so that its day,
// month and year keep their order inside an English sentence. Shared by talk.js and
// live.js (loaded before them).
window.azadMoment = function (shown) {
  "use strict";
  const m = /^(.*?)\s([\u06F0-\u06F9].*)$/.exec(shown);
  if (!m) return [shown];
  const solar = document.createElement("span");
  solar.className = "solar";
  solar.dir = "rtl";
  const area = document.querySelector("#segments textarea[lang]"); // the page's language
  if (area) solar.lang = area.lang;
  solar.textContent = m[2];
  return [m[1], " ", solar];
};
