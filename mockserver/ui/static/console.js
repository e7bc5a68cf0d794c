// Canvas LTI mock console: copy buttons, the mock clock, and actions over the JSON control API.
// No state lives here: every action is one request to a documented /__mock__/ endpoint, after
// which the page's live regions re-read the mock (event "mock:changed").
(function () {
  "use strict";

  function flash(text, ok) {
    var box = document.getElementById("flash");
    if (!box) return;
    box.textContent = text;
    box.className = "flash " + (ok ? "ok" : "error");
  }

  function changed() {
    document.body.dispatchEvent(new CustomEvent("mock:changed"));
    refreshClock();
  }

  // -- copy to clipboard (falls back to a selection where the Clipboard API is unavailable) --
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = document.execCommand("copy");
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) return;
    event.preventDefault();  // inside a <summary>: copy, do not toggle
    copyText(button.getAttribute("data-copy")).then(
      function () { flash("Copied to the clipboard", true); },
      function () { flash("The browser refused to copy; select the text instead", false); });
  });

  // The reproducible curl (real values) is fetched only when a person asks for it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-curl]");
    if (!button) return;
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
    if (!open) return;
    var pre = panel.querySelector(".real-curl"), copy = panel.querySelector("button.copy");
    fetch(button.getAttribute("data-curl"), {headers: {Accept: "text/plain"}})
      .then(function (r) { return r.text().then(function (text) { return r.ok ? text.trim() : Promise.reject(new Error(errorText(r, text))); }); })
      .then(function (command) { pre.textContent = command; copy.setAttribute("data-copy", command); },
            function (error) { pre.textContent = error.message; });
  });

  // -- the mock clock in the header --------------------------------------------------------
  function formatOffset(seconds) {
    var total = Math.round(seconds);
    if (total === 0) return "(real time)";
    var sign = total < 0 ? "−" : "+";
    total = Math.abs(total);
    var d = Math.floor(total / 86400), h = Math.floor(total % 86400 / 3600),
        m = Math.floor(total % 3600 / 60), s = total % 60;
    var parts = [];
    if (d) parts.push(d + "d");
    if (h) parts.push(h + "h");
    if (m) parts.push(m + "m");
    if (s || !parts.length) parts.push(s + "s");
    return "(offset " + sign + parts.join(" ") + ")";
  }

  function showClock(body) {
    var clock = document.getElementById("mock-clock");
    if (!clock) return;
    clock.setAttribute("data-offset", body.offset);
    var now = body.now.replace(/\.\d+/, ""), offset = formatOffset(body.offset);
    clock.querySelector(".now").textContent = now;
    clock.querySelector(".offset").textContent = offset;
    document.querySelectorAll("[data-mock-now]").forEach(function (el) { el.textContent = now; });
    document.querySelectorAll("[data-mock-offset]").forEach(function (el) { el.textContent = offset; });
  }

  function refreshClock() {
    return fetch("/__mock__/clock", {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) showClock(body); })
      .catch(function () { /* the mock stopped: keep the last reading */ });
  }

  // -- actions -------------------------------------------------------------------------------
  function setPath(target, path, value) {
    var keys = path.split(".");
    for (var i = 0; i < keys.length - 1; i++) {
      var key = keys[i], next = keys[i + 1];
      if (target[key] === undefined) target[key] = /^\d+$/.test(next) ? [] : {};
      target = target[key];
    }
    target[keys[keys.length - 1]] = value;
  }

  function formBody(form) {
    var body = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "file" || field.type === "submit") return;
      var kind = field.getAttribute("data-json");
      var value;
      if (field.type === "checkbox") value = field.checked;
      else if (field.value.trim() === "") return;  // left empty: not sent
      else if (kind === "number") value = Number(field.value);
      else value = field.value.trim();
      setPath(body, field.name, value);
    });
    return Promise.resolve(JSON.stringify(body));
  }

  function fileBody(form) {
    var input = form.querySelector('input[type="file"]');
    if (!input || !input.files.length) return Promise.reject(new Error("choose a file first"));
    return input.files[0].text();
  }

  // The control API's messages name fields as JSON does ("Invalid 'hwm': -5 is less than the
  // minimum of 0"); a person reads the form's own label and a sentence instead.
  var PHRASES = [
    [/^(.*) is less than the minimum of (.*)$/, "must be at least $2 (it was $1)"],
    [/^(.*) is greater than the maximum of (.*)$/, "must be at most $2 (it was $1)"],
    [/^(.*) is not of type '(\w+)'$/, "must be a $2 (it was $1)"],
    [/^(.*) is not one of \[(.*)\]$/, "must be one of $2 (it was $1)"],
    [/^(.*) is a required property$/, "$1 is required"]
  ];

  function labelOf(form, name) {
    var field = form && form.querySelector('[name="' + name.replace(/["\\]/g, "") + '"]');
    var label = field && field.closest("label");
    if (!label) return null;
    var text = Array.prototype.map.call(label.childNodes, function (node) {
      return node.nodeType === Node.TEXT_NODE ? node.textContent : "";
    }).join(" ").replace(/\s+/g, " ").trim();
    return text || null;
  }

  function sentence(text) {
    text = text.trim();
    if (!text) return text;
    text = text.charAt(0).toUpperCase() + text.slice(1);
    return /[.!?]$/.test(text) ? text : text + ".";
  }

  function readable(message, form) {
    var match = /^Invalid '([^']+)': (.*)$/.exec(message);
    if (!match) return sentence(message.replace(/^Invalid ([^:]+): /, "The $1 was refused: "));
    var rest = match[2];
    PHRASES.forEach(function (phrase) { rest = rest.replace(phrase[0], phrase[1]); });
    return sentence((labelOf(form, match[1]) || "The " + match[1].replace(/\.(\d+)\./g, " $1 ").replace(/[._]/g, " ")) + " " + rest);
  }

  function errorText(response, text, form) {
    try {
      var body = JSON.parse(text);
      var errors = body.errors;
      if (Array.isArray(errors) && errors.length && errors[0].message) return readable(errors[0].message, form);
      if (body.message) return readable(body.message, form);
    } catch (e) { /* not JSON */ }
    return sentence("The mock answered " + response.status + " " + (text || response.statusText));
  }

  function call(spec, body, done, form) {
    var parts = spec.split(" ");
    var init = {method: parts[0], headers: {Accept: "application/json"}};
    if (body !== null) {
      init.body = body;
      init.headers["Content-Type"] = "application/json";
    }
    return fetch(parts[1], init).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) throw new Error(errorText(response, text, form));
        flash(done || "Done", true);
        changed();
      });
    }).catch(function (error) { flash(error.message, false); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var spec = form.getAttribute("data-api");
    if (!spec) return;
    event.preventDefault();
    var body = form.hasAttribute("data-file") ? fileBody(form) : formBody(form);
    body.then(function (text) { return call(spec, text, form.getAttribute("data-done"), form); },
              function (error) { flash(error.message, false); });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-api]");
    if (!button || button.form && button.form.hasAttribute("data-api") && button.type === "submit") return;
    event.preventDefault();
    var dialog = button.closest("dialog");
    if (dialog) dialog.close();
    call(button.getAttribute("data-api"), button.getAttribute("data-body"), button.getAttribute("data-done"));
  });

  // A button that asks first: it opens its <dialog>, whose own button does the action.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (!button) return;
    var dialog = document.getElementById(button.getAttribute("data-confirm"));
    if (dialog && dialog.showModal) dialog.showModal();
  });

  // Dynamic registration: an admin's (TEST-ONLY) API token gets a registration token, which
  // the openid-configuration URL needs (GET /api/lti/accounts/:id/registration_token).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("#registration-token");
    if (!button) return;
    fetch(button.getAttribute("data-url"), {headers: {Authorization: "Bearer " + button.getAttribute("data-token")}})
      .then(function (response) {
        if (!response.ok) throw new Error("registration token: " + response.status);
        return response.json();
      })
      .then(function (body) {
        var link = document.getElementById("openid-link");
        link.href = body.oidc_configuration_url;
        link.textContent = "openid-configuration (with a registration token)";
        var copy = document.getElementById("openid-copy");
        copy.querySelector("button").setAttribute("data-copy", body.oidc_configuration_url);
        copy.hidden = false;
        flash("Registration token issued: the link now carries it", true);
      })
      .catch(function (error) { flash(error.message, false); });
  });

  // -- launches in the course page's frame ------------------------------------------------------
  // The mock's own pages in the frame (login form, authorize form, problem pages) tell this
  // window which launch they belong to; the status line then follows that launch's record.
  var LAUNCH_NOTICE = "canvas-lti-mock:launch";
  var followed = null, statusTimer = null;

  function refreshStatus() {
    var line = document.getElementById("launch-status");
    if (!line || followed === null) return;
    fetch("/__mock__/ui/launches/" + followed + "/status", {headers: {Accept: "text/html"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || line.getAttribute("data-html") === html) return;
        line.setAttribute("data-html", html);
        line.innerHTML = html;  // rendered (and escaped) by the mock
        changed();  // the page's own view of the launch (the course's launch list) follows at once
      })
      .catch(function () { /* the mock stopped: keep the last status */ });
  }

  function follow(launch) {
    if (followed === launch) return;
    followed = launch;
    refreshStatus();
    if (statusTimer === null) statusTimer = window.setInterval(refreshStatus, 1000);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("target") !== "tool-frame") return;
    var area = document.getElementById("launch-area");
    var line = document.getElementById("launch-status");
    if (line) { line.removeAttribute("data-html"); line.textContent = "Launching…"; }
    followed = null;
    if (area) area.scrollIntoView({block: "start"});
  });

  // Focus inside the tool's frame leaves this window (a blur) with the frame as its active element:
  // mark the frame so its focus ring shows, as it would for any other focused control.
  window.addEventListener("blur", function () {
    window.setTimeout(function () {
      var active = document.activeElement;
      if (active && active.id === "tool-frame") active.classList.add("focused");
    }, 0);
  });
  window.addEventListener("focus", function () {
    var frame = document.getElementById("tool-frame");
    if (frame) frame.classList.remove("focused");
  });

  function newContent(data) {
    var count = (data.content_items || []).length;
    flash("The tool returned " + count + " content item(s)" + (data.msg ? ": " + data.msg : ""), true);
    var frame = document.getElementById("tool-frame");
    if (frame) frame.src = "about:blank";  // Canvas closes the tool once it has returned content
    changed();
    refreshStatus();
    var results = document.getElementById("deep-linking");
    if (results) results.scrollIntoView({block: "start"});
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data) return;
    if (data.subject === LAUNCH_NOTICE && event.origin === window.location.origin && typeof data.launch === "number") {
      follow(data.launch);
    } else if (data.subject === "LtiDeepLinkingResponse") {
      newContent(data);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var clock = document.getElementById("mock-clock");
    if (clock) {
      var offset = formatOffset(Number(clock.getAttribute("data-offset")));
      clock.querySelector(".offset").textContent = offset;
      document.querySelectorAll("[data-mock-offset]").forEach(function (el) { el.textContent = offset; });
      window.setInterval(refreshClock, 1000);
    }
  });
})();
