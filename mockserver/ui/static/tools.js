// The console's tool pages: register, edit, uninstall and delete LTI 1.3 tools, and install a tool by
// URL (dynamic registration). Every change is a call to Canvas's own APIs (LTI Registrations,
// External Tools, registration tokens) with the fixtures' TEST-ONLY admin token, as a test would
// make it; the page then reloads from the mock, which stores everything.
(function () {
  "use strict";

  function flash(text, ok) {
    var box = document.getElementById("flash");
    box.textContent = text;
    box.className = "flash " + (ok ? "ok" : "error");
  }

  function api(form, method, path, body) {
    var init = {method: method, headers: {Accept: "application/json", Authorization: "Bearer " + form.dataset.token}};
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    return fetch(path, init).then(function (response) {
      return response.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
        if (!response.ok) throw new Error(method + " " + path + ": " + response.status + " " + reason(json, text));
        return json;
      });
    });
  }

  // Canvas's error bodies: {"errors": [{"message"}]}, {"errors": ["text"]}, {"errors": {field: [...]}}.
  function reason(json, text) {
    var errors = json && json.errors;
    if (Array.isArray(errors) && errors.length) {
      return errors.map(function (e) { return typeof e === "string" ? e : e.message || JSON.stringify(e); }).join("; ");
    }
    if (errors && typeof errors === "object") return JSON.stringify(errors);
    return (json && (json.message || json.error_description || json.error)) || text;
  }

  function lines(text) {
    return text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
  }

  function configuration(form) {
    var field = function (name) { return form.elements[name].value.trim(); };
    var config = {
      title: field("name"), target_link_uri: field("target_link_uri"), oidc_initiation_url: field("oidc_initiation_url"),
      privacy_level: field("privacy_level"), launch_settings: {}, custom_fields: {},
      scopes: Array.prototype.filter.call(form.querySelectorAll('input[name="scope"]'), function (box) { return box.checked; })
        .map(function (box) { return box.value; }),
      placements: [],
    };
    if (field("description")) config.description = field("description");
    var redirects = lines(field("redirect_uris"));
    config.redirect_uris = redirects.length ? redirects : [config.target_link_uri];
    lines(field("custom_fields")).forEach(function (line) {
      var at = line.indexOf("=");
      if (at < 1) throw new Error("custom field \"" + line + "\" is not name=value");
      config.custom_fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    });
    form.querySelectorAll('input[name="placement"]').forEach(function (box) {
      if (!box.checked) return;
      var type = form.elements["message_type:" + box.value];
      config.placements.push({placement: box.value, enabled: true, text: config.title,
                              message_type: type ? type.value : "LtiResourceLinkRequest"});
    });
    if (form.querySelector('input[name="key_kind"]:checked').value === "url") {
      config.public_jwk_url = field("public_jwk_url");
    } else {
      try { config.public_jwk = JSON.parse(field("public_jwk")); } catch (e) { throw new Error("the public JWK is not JSON"); }
    }
    return config;
  }

  function reloadWith(message) {
    sessionStorage.setItem("tools-flash", message);
    window.location.reload();
  }

  function register(form, config) {
    var account = form.dataset.account, target = form.elements.install_in.value;
    return api(form, "POST", "/api/v1/accounts/" + account + "/lti_registrations",
               {name: config.title, configuration: config, workflow_state: "on"})
      .then(function (registration) {
        var clientId = registration.developer_key_id;
        return api(form, "POST", "/api/v1/" + target + "/external_tools", {client_id: clientId})
          .then(function (tool) { return tellTheDemoTool(config, clientId).then(function (told) { return [tool, told]; }); })
          .then(function (done) {
            reloadWith("Registered " + config.title + " (client id " + clientId + ") and installed it: deployment " +
                       done[0].deployment_id + done[1]);
          });
      });
  }

  // The Demo Tool registered by hand: give it the new client id, as a vendor pastes it into the tool's settings —
  // only when the registration holds the Demo Tool's own key (else it could not sign anything under that client id).
  function tellTheDemoTool(config, clientId) {
    var demo = window.location.origin + "/__mock__/demo-tool";
    if (config.oidc_initiation_url !== demo + "/login") return Promise.resolve("");
    return fetch(demo + "/jwks").then(function (response) { return response.json(); }).then(function (jwks) {
      var own = jwks.keys[0], jwk = config.public_jwk;
      var ours = config.public_jwk_url === demo + "/jwks" || (jwk && jwk.n === own.n && jwk.e === own.e);
      if (!ours) return "; the Demo Tool was not given this client id: the key registered is not the Demo Tool's";
      return fetch(demo + "/registrations", {method: "POST", body: new URLSearchParams({client_id: clientId})})
        .then(function (response) {
          if (!response.ok) throw new Error("POST /__mock__/demo-tool/registrations: " + response.status);
          return "; the Demo Tool accepts its launches";
        });
    });
  }

  function save(form, config) {
    var account = form.dataset.account;
    return api(form, "GET", "/api/v1/accounts/" + account + "/lti_registration_by_client_id/" + form.dataset.clientId)
      .then(function (registration) {
        return api(form, "PUT", "/api/v1/accounts/" + account + "/lti_registrations/" + registration.id,
                   {name: config.title, configuration: config});
      })
      .then(function () { flash("Saved " + config.title + ": its deployments follow the new configuration", true); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "tool-form") return;
    event.preventDefault();
    var config;
    try { config = configuration(form); } catch (error) { flash(error.message, false); return; }
    (form.dataset.clientId ? save(form, config) : register(form, config))
      .catch(function (error) { flash(error.message, false); });
  });

  // Uninstall one deployment, or delete the registration (its developer key and every deployment).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-uninstall], button[data-delete-key]");
    if (!button) return;
    var form = document.getElementById("tool-form");
    var name = button.dataset.name;
    if (button.dataset.uninstall) {
      if (!window.confirm("Uninstall " + name + "?")) return;
      api(form, "DELETE", button.dataset.uninstall)
        .then(function () { reloadWith("Uninstalled " + name); }, function (error) { flash(error.message, false); });
      return;
    }
    if (!window.confirm("Delete " + name + ", its developer key and every deployment?")) return;
    var account = form.dataset.account;
    api(form, "GET", "/api/v1/accounts/" + account + "/lti_registration_by_client_id/" + button.dataset.deleteKey)
      .then(function (registration) { return api(form, "DELETE", "/api/v1/accounts/" + account + "/lti_registrations/" + registration.id); })
      .then(function () { reloadWith("Deleted " + name); }, function (error) { flash(error.message, false); });
  });

  // The Demo Tool's URLs (on this mock) and its public key, to register it once more.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("#fill-demo-tool")) return;
    var form = document.getElementById("tool-form"), base = window.location.origin + "/__mock__/demo-tool";
    fetch(base + "/jwks").then(function (response) { return response.json(); }).then(function (jwks) {
      form.elements.name.value = form.elements.name.value || "Demo Tool (again)";
      form.elements.oidc_initiation_url.value = base + "/login";
      form.elements.target_link_uri.value = base + "/launch";
      form.elements.redirect_uris.value = base + "/launch";
      form.querySelector('input[name="key_kind"][value="jwk"]').checked = true;
      form.elements.public_jwk.value = JSON.stringify(jwks.keys[0], null, 2);
      flash("Filled in the Demo Tool's URLs and public key", true);
    }, function () { flash("The Demo Tool's key could not be read", false); });
  });

  // The Demo Tool's registration initiation URL (on this mock), to install it by URL.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("#fill-demo-registration")) return;
    document.getElementById("dr-url").value = window.location.origin + "/__mock__/demo-tool/register";
    flash("Filled in the Demo Tool's registration URL: press Install", true);
  });

  // Dynamic registration: a registration token for the root account, then the tool's page in the frame.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "dynamic-form") return;
    event.preventDefault();
    var url = form.elements.registration_url.value.trim();
    api(form, "GET", "/api/lti/accounts/" + form.dataset.account + "/registration_token?registration_url=" + encodeURIComponent(url))
      .then(function (body) {
        var frame = document.getElementById("registration-frame");
        frame.hidden = false;
        frame.src = url + (url.indexOf("?") < 0 ? "?" : "&") + "openid_configuration=" +
          encodeURIComponent(body.oidc_configuration_url) + "&registration_token=" + encodeURIComponent(body.token);
        flash("The tool's registration page is open below", true);
      })
      .catch(function (error) { flash(error.message, false); });
  });

  window.addEventListener("message", function (event) {
    var frame = document.getElementById("registration-frame");
    if (!frame || event.source !== frame.contentWindow || !event.data || event.data.subject !== "org.imsglobal.lti.close") return;
    reloadWith("The tool finished its registration: it is installed in the root account");
  });

  document.addEventListener("DOMContentLoaded", function () {
    var message = sessionStorage.getItem("tools-flash");
    if (message) {
      sessionStorage.removeItem("tools-flash");
      flash(message, true);
    }
  });
})();
