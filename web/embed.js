// The consultation form, embedded: paste <script src="https://YOUR-API/consultations/embed.js"
// data-lang="en" async></script> where the form should appear. It inserts the hosted form in an
// <iframe> with a title and sizes the frame to the form, from the height the form reports with
// postMessage, believed only from the frame's own origin and window. No cookies, no tracking.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL) return;
  var titles = /*FRAME_TITLES*/{};
  var formUrl = new URL("form", script.src);
  // The form's language: the tag's data-lang, else the page's own.
  var lang = (script.getAttribute("data-lang") || document.documentElement.lang || "").slice(0, 2).toLowerCase();
  if (lang) formUrl.searchParams.set("lang", lang);
  var frame = document.createElement("iframe");
  frame.src = formUrl.href;
  frame.title = script.getAttribute("data-title") || titles[lang] || titles.en || "";
  frame.style.cssText = "display:block;width:100%;border:0;height:60rem";
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== formUrl.origin || event.source !== frame.contentWindow) return;
    var data = event.data;
    if (!data || data.type !== "consultation-form:height" || typeof data.height !== "number") return;
    frame.style.height = Math.min(Math.max(Math.ceil(data.height), 200), 10000) + "px";
  });
})();
