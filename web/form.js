// The consultation form, enhanced: sends JSON with an idempotency key, shows each field's error next
// to the field, and thanks the person in place. Without this script the form still works as a plain
// HTML form post. No third-party code, no tracking.
(function () {
  "use strict";
  var form = document.getElementById("consultation-form");
  if (!form || !window.fetch) return;

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
  summary.innerHTML = '<div role="alert"><h2 id="cf-error-summary-title">There is a problem</h2><ul></ul></div>';
  form.insertBefore(summary, form.firstChild);

  function clearErrors() {
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
        prefix.textContent = "Error: ";
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
    document.title = "Error: " + pageTitle;
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
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") data[name] = value;
    });
    data.consent = form.elements.consent.checked;
    return JSON.stringify(data);
  }

  function done() {
    sending = false;
    button.disabled = false;
    button.textContent = "Send request";
  }

  // The way out when the form cannot get through: the practice's own phone and email, from the
  // form's data-practice-phone / data-practice-email or the API's answer. What was typed stays.
  var wayOut = document.getElementById("cf-way-out");
  function showWayOut(contact) {
    var phone = (contact && contact.phone) || form.getAttribute("data-practice-phone");
    var email = (contact && contact.email) || form.getAttribute("data-practice-email");
    status.textContent = "We could not send your request just now. What you wrote is still here; you can try again in a moment.";
    if (!wayOut || (!phone && !email)) return;
    wayOut.textContent = "";
    wayOut.appendChild(document.createTextNode("You can also reach the practice directly: "));
    if (phone) {
      var call = document.createElement("a");
      call.href = "tel:" + phone.replace(/[^0-9+]/g, "");
      call.textContent = phone;
      wayOut.appendChild(document.createTextNode("call "));
      wayOut.appendChild(call);
    }
    if (phone && email) wayOut.appendChild(document.createTextNode(" or "));
    if (email) {
      var write = document.createElement("a");
      write.href = "mailto:" + email;
      write.textContent = email;
      wayOut.appendChild(document.createTextNode("email "));
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
          thanks.hidden = false;
          thanks.focus();
          return;
        }
        if (response.status === 422 && captchaExpired(answer) && !resentForCaptcha && window.turnstile) {
          resentForCaptcha = true;
          status.textContent = "The security check ran out while you were writing; sending again…";
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
          status.textContent = answer.message ||
            "Something went wrong. Your answers are still here; please try again.";
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
    var widget = form.querySelector(".cf-turnstile");
    var token = form.querySelector('[name="cf-turnstile-response"]');
    if (widget && !(token && token.value)) {
      form.submit();
      return;
    }
    sending = true;
    button.disabled = true;
    button.textContent = "Sending…";
    clearErrors();
    send();
  });
})();
