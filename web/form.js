// The consultation form, enhanced: sends JSON with an idempotency key, shows each field's error next
// to the field, and thanks the person in place. Without this script the form still works as a plain
// HTML form post. No third-party code, no tracking. Every word it shows comes from the form's
// data-text-* attributes, written from the catalogues in the form's language.
(function () {
  "use strict";
  var form = document.getElementById("consultation-form");
  if (!form) return;
  function text(name) { return form.getAttribute("data-text-" + name) || ""; }

  // The hosted form, inside a practice's page: tells the embedding script how tall it is, so the
  // frame fits the form (the height says nothing about what was typed).
  if (form.getAttribute("data-hosted") === "true" && window.parent !== window) {
    var reportHeight = function () {
      window.parent.postMessage({
        type: "consultation-form:height",
        // The body's own height: the document's is never less than the frame.
        height: Math.ceil(document.body.getBoundingClientRect().height)
      }, "*");
    };
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
    window.addEventListener("load", reportHeight);
    reportHeight();
  }
  // The hosted form shown again after errors (a plain post): focus its summary.
  var shownSummary = document.getElementById("cf-error-summary");
  if (shownSummary) shownSummary.focus();
  if (!window.fetch) return;

  // One key for one content: a retry after a network failure or a double click is the same
  // request; once the person changes what they wrote, it is a new one (the same key with other
  // content would be refused).
  function newKey() {
    return (window.crypto && crypto.randomUUID)
      ? crypto.randomUUID()
      : Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
  }
  var idempotencyKey = newKey();
  var sentBody = null;
  var button = form.querySelector("button[type=submit]");
  var status = document.getElementById("cf-status");
  var thanks = document.getElementById("cf-thanks");
  var sending = false;
  // A Turnstile token lasts 300 s; a person may take longer to write. One fresh token and one more
  // send, then the person decides.
  var resentForCaptcha = false;

  // The server checks everything; its messages are shown instead of the browser's own.
  form.noValidate = true;

  // Errors as the GOV.UK Design System shows them, the pattern known to work for people under
  // stress and for screen readers: a summary first, headed "There is a problem", each problem a
  // link to its field worded as the message beside it; "Error: " at the start of the title; focus
  // moved to the summary.
  var pageTitle = document.title;
  var summary = document.createElement("div");
  summary.className = "cf-error-summary";
  summary.id = "cf-error-summary";
  summary.tabIndex = -1;
  summary.hidden = true;
  summary.setAttribute("aria-labelledby", "cf-error-summary-title");
  var alertBox = document.createElement("div");
  alertBox.setAttribute("role", "alert");
  var summaryTitle = document.createElement("h2");
  summaryTitle.id = "cf-error-summary-title";
  summaryTitle.textContent = text("summary-title");
  alertBox.appendChild(summaryTitle);
  alertBox.appendChild(document.createElement("ul"));
  summary.appendChild(alertBox);
  form.insertBefore(summary, form.firstChild);

  function clearErrors() {
    if (shownSummary) shownSummary.hidden = true;
    status.textContent = "";
    summary.hidden = true;
    summary.querySelector("ul").textContent = "";
    document.title = pageTitle;
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showFieldErrors(fields) {
    var list = summary.querySelector("ul");
    // In the form's order, whatever order the answer lists them in.
    var slots = Array.prototype.map.call(form.querySelectorAll("[data-error-for]"), function (el) {
      return el.getAttribute("data-error-for");
    });
    var order = function (name) { var i = slots.indexOf(name); return i < 0 ? slots.length : i; };
    Object.keys(fields).sort(function (a, b) { return order(a) - order(b); }).forEach(function (name) {
      var message = fields[name][0] && fields[name][0].message;
      var slot = form.querySelector('[data-error-for="' + name + '"]');
      var input = form.querySelector('[name="' + name + '"]');
      if (slot) {
        slot.textContent = "";
        var prefix = document.createElement("span");
        prefix.className = "cf-visually-hidden";
        prefix.textContent = text("error-prefix") + " ";
        slot.appendChild(prefix);
        slot.appendChild(document.createTextNode(message));
      }
      var item = document.createElement("li");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        var link = document.createElement("a");
        link.href = "#" + (input.id || "");
        link.textContent = message;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          input.focus();
        });
        item.appendChild(link);
      } else {
        item.textContent = message;
      }
      list.appendChild(item);
    });
    document.title = text("error-prefix") + " " + pageTitle;
    summary.hidden = false;
    summary.focus();
  }

  // Asks the Turnstile widget (if the page has one) for a fresh token and waits, at most 30 s, for
  // it to land in the form's hidden cf-turnstile-response field.
  function freshCaptchaToken() {
    var field = form.querySelector('[name="cf-turnstile-response"]');
    var old = field ? field.value : "";
    try { window.turnstile.reset(); } catch (e) { return Promise.resolve(false); }
    return new Promise(function (resolve) {
      var waited = 0;
      (function poll() {
        field = form.querySelector('[name="cf-turnstile-response"]');
        if (field && field.value && field.value !== old) return resolve(true);
        if (waited >= 30000) return resolve(false);
        waited += 200;
        setTimeout(poll, 200);
      })();
    });
  }

  function captchaExpired(answer) {
    var errors = answer.fields && answer.fields["cf-turnstile-response"];
    return !!(errors && errors[0] && errors[0].code === "captcha_expired");
  }

  function body() {
    var data = {};
    var answers = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== "string" || value.trim() === "") return;
      if (name.indexOf("q_") !== 0) { data[name] = value; return; }
      // The practice's own questions go in `answers`; a group of checkboxes as a list.
      var id = name.slice(2);
      var field = form.querySelector('[name="' + name + '"]');
      if (field && field.type === "checkbox") (answers[id] = answers[id] || []).push(value);
      else answers[id] = value;
    });
    if (Object.keys(answers).length) data.answers = answers;
    data.consent = form.elements.consent.checked;
    return JSON.stringify(data);
  }

  function done() {
    sending = false;
    button.disabled = false;
    button.textContent = text("send");
  }

  // The way out when the form cannot get through: the practice's own phone and email, from the
  // form's data-practice-phone / data-practice-email or the API's answer. What was typed stays.
  var wayOut = document.getElementById("cf-way-out");
  function showWayOut(contact) {
    var phone = (contact && contact.phone) || form.getAttribute("data-practice-phone");
    var email = (contact && contact.email) || form.getAttribute("data-practice-email");
    status.textContent = text("cannot-send");
    if (!wayOut || (!phone && !email)) return;
    wayOut.textContent = "";
    wayOut.appendChild(document.createTextNode(text("way-out-lead") + " "));
    if (phone) {
      var call = document.createElement("a");
      call.href = "tel:" + phone.replace(/[^0-9+]/g, "");
      call.textContent = phone;
      wayOut.appendChild(document.createTextNode(text("way-out-call") + " "));
      wayOut.appendChild(call);
    }
    if (phone && email) wayOut.appendChild(document.createTextNode(" " + text("way-out-or") + " "));
    if (email) {
      var write = document.createElement("a");
      write.href = "mailto:" + email;
      write.textContent = email;
      wayOut.appendChild(document.createTextNode(text("way-out-email") + " "));
      wayOut.appendChild(write);
    }
    wayOut.appendChild(document.createTextNode("."));
    wayOut.hidden = false;
  }

  var retried = false;
  function send() {
    var payload = body();
    if (sentBody !== null && payload !== sentBody) idempotencyKey = newKey();
    sentBody = payload;
    fetch(form.action, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": idempotencyKey
      },
      body: payload
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.status === 201) {
          form.hidden = true;
          // A notice (no clinician licensed where the person will be) goes after the first line.
          if (answer.notice && answer.notice.message) {
            var notice = document.createElement("p");
            notice.className = "cf-notice";
            notice.textContent = answer.notice.message;
            thanks.insertBefore(notice, thanks.querySelector("h2").nextSibling);
          }
          thanks.hidden = false;
          thanks.focus();
          return;
        }
        if (response.status === 422 && captchaExpired(answer) && !resentForCaptcha && window.turnstile) {
          resentForCaptcha = true;
          status.textContent = text("captcha-resending");
          return freshCaptchaToken().then(function (fresh) {
            if (fresh) return "resend";
            showFieldErrors(answer.fields);
          });
        }
        if (response.status >= 500) {
          // Once more, as the same request (same key); then the way out.
          if (!retried) { retried = true; return "retry"; }
          showWayOut(answer.contact);
          return;
        }
        if (response.status === 422 && answer.fields) {
          showFieldErrors(answer.fields);
        } else {
          status.textContent = answer.message || text("failed");
        }
      });
    }).catch(function () {
      if (!retried) { retried = true; return "retry"; }
      showWayOut(null);
    }).then(function (next) {
      if (next === "resend") return send();
      if (next === "retry") return new Promise(function (resolve) { setTimeout(resolve, 1500); }).then(send);
      retried = false;
      done();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) return;
    // Turnstile is on but its widget could not run (a privacy extension or a network blocks it):
    // no token to be had, so the form goes as a plain post, which the practice holds for review
    // and answers with its thank-you page, rather than a refusal.
    var needsToken = form.querySelector(".cf-turnstile") || form.getAttribute("data-captcha") === "required";
    var token = form.querySelector('[name="cf-turnstile-response"]');
    if (needsToken && !(token && token.value)) {
      form.submit();
      return;
    }
    sending = true;
    button.disabled = true;
    button.textContent = text("sending");
    clearErrors();
    send();
  });
})();
