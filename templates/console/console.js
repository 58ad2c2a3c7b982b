// The console's own script: only the passkey ceremony, which a browser cannot do without one.
// It turns the server's JSON options into what navigator.credentials takes (base64url strings to
// ArrayBuffers) and the browser's answer back into JSON, and offers the browser's passkey
// autofill where it supports conditional mediation. Every form of the console works without it.
(() => {
  "use strict";
  const decode = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "===".slice((base64.length + 3) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  };
  const encode = (buffer) => {
    let text = "";
    for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const csrf = document.querySelector('meta[name="csrf-token"]')?.content || "";
  const post = (url, body) =>
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body ?? {}),
    });
  const creation = (options) => {
    const key = options.publicKey;
    key.challenge = decode(key.challenge);
    key.user.id = decode(key.user.id);
    key.excludeCredentials = (key.excludeCredentials || []).map((c) => ({ ...c, id: decode(c.id) }));
    return { publicKey: key };
  };
  const request = (options, mediation) => {
    const key = options.publicKey;
    key.challenge = decode(key.challenge);
    key.allowCredentials = (key.allowCredentials || []).map((c) => ({ ...c, id: decode(c.id) }));
    return mediation ? { publicKey: key, mediation } : { publicKey: key };
  };
  const attestation = (credential) => ({
    id: credential.id,
    rawId: encode(credential.rawId),
    type: credential.type,
    extensions: credential.getClientExtensionResults(),
    response: {
      attestationObject: encode(credential.response.attestationObject),
      clientDataJSON: encode(credential.response.clientDataJSON),
      transports: credential.response.getTransports ? credential.response.getTransports() : [],
    },
  });
  const assertion = (credential) => ({
    id: credential.id,
    rawId: encode(credential.rawId),
    type: credential.type,
    extensions: credential.getClientExtensionResults(),
    response: {
      authenticatorData: encode(credential.response.authenticatorData),
      clientDataJSON: encode(credential.response.clientDataJSON),
      signature: encode(credential.response.signature),
      userHandle: credential.response.userHandle ? encode(credential.response.userHandle) : null,
    },
  });
  const finish = async (url, body) => {
    const answer = await post(url, body);
    const reply = await answer.json().catch(() => ({}));
    if (reply.redirect) window.location.assign(reply.redirect);
    else window.location.reload();
  };
  const problem = document.getElementById("passkey-problem");
  const say = (text) => {
    if (problem) {
      problem.textContent = text;
      problem.hidden = false;
      problem.focus();
    }
  };

  for (const button of document.querySelectorAll("[data-passkey]")) {
    button.hidden = false;
    const { passkey: kind, options: optionsUrl, finish: finishUrl, failed } = button.dataset;
    let pending = null;
    let autofill = null;
    // One answer per challenge: the autofill's and the button's must not both be sent.
    let finishing = false;
    const options = async () => {
      if (!pending) {
        pending = post(optionsUrl).then(async (answer) => {
          if (!answer.ok) {
            // The server's way on (the step-up page, when the last passkey check is too old).
            const body = await answer.json().catch(() => null);
            if (body && typeof body.redirect === "string" && body.redirect.startsWith("/")) {
              window.location.assign(body.redirect);
              return new Promise(() => {});
            }
            throw new Error(String(answer.status));
          }
          return answer.json();
        });
      }
      return pending;
    };
    const run = async (mediation) => {
      const fresh = await options();
      // The options are used once, by one call: a copy each time.
      const copy = JSON.parse(JSON.stringify(fresh));
      if (kind === "create") {
        const credential = await navigator.credentials.create(creation(copy));
        await finish(finishUrl, attestation(credential));
      } else {
        const extra = mediation === "conditional" ? { signal: (autofill = new AbortController()).signal } : {};
        const credential = await navigator.credentials.get({ ...request(copy, mediation), ...extra });
        if (finishing) return;
        finishing = true;
        await finish(finishUrl, assertion(credential));
      }
    };
    button.addEventListener("click", async (event) => {
      event.preventDefault();
      if (finishing) return;
      if (autofill) autofill.abort();
      button.disabled = true;
      try {
        await run(null);
      } catch (error) {
        if (error && error.name === "AbortError") return;
        say(failed || "");
        pending = null;
        finishing = false;
      } finally {
        button.disabled = false;
      }
    });
    if (button.dataset.conditional === "true" && window.PublicKeyCredential?.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then((available) => {
        if (available) run("conditional").catch(() => {});
      });
    }
  }
})();
