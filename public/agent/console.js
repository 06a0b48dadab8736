// The hotline console's shell: sign-in, the session, and the API helper every panel uses.
// Panels (guided-call.js, handoff.js) load after this file and find `window.agentConsole`:
//   agentConsole.strings            the console's words (content/locales/<locale>/console.json, flat keys)
//   agentConsole.t(key, params)     one sentence, {placeholders} filled
//   agentConsole.sentence(words, key, params)
//                                   the same from a panel's own words (the key itself when it has none)
//   agentConsole.el(tag, attrs, children)
//                                   an element: attrs `text`, `hidden`, `onclick`… (listeners), others as attributes
//                                   (undefined, null and false left out, true as ""); children nodes or strings
//   agentConsole.api(path, init)    fetch('/agent/api/' + path) as JSON, with the CSRF token on POST/PUT/DELETE;
//                                   resolves { ok, status, body }; a 401 shows the sign-in form again
//   agentConsole.onSignedIn(fn)     fn(agent) once an agent is signed in ({ id, displayName }), now if already
//   agentConsole.onSignedOut(fn)    fn() when the session ends
'use strict';
(function () {
  var strings = JSON.parse(document.getElementById('console-strings').textContent);
  var signedInListeners = [];
  var signedOutListeners = [];
  var current = null; // { agent, csrfToken }

  function sentence(words, key, params) {
    var text = words[key] !== undefined ? words[key] : key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return params && params[name] !== undefined ? String(params[name]) : whole;
    });
  }

  function t(key, params) {
    return sentence(strings, key, params);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = value;
      else if (name === 'hidden') node.hidden = true;
      else if (name.slice(0, 2) === 'on') node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  function $(id) {
    return document.getElementById(id);
  }

  function api(path, init) {
    init = init || {};
    var method = (init.method || 'GET').toUpperCase();
    var headers = { Accept: 'application/json' };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && current) headers['X-CSRF-Token'] = current.csrfToken;
    return fetch('/agent/api/' + path, {
      method: method,
      headers: headers,
      credentials: 'same-origin',
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch (e) {
          body = null;
        }
        if (response.status === 401 && path !== 'sign-in' && current) showSignIn(t('signIn.ended'));
        return { ok: response.ok, status: response.status, body: body, headers: response.headers };
      });
    });
  }

  function showSignIn(message) {
    var wasSignedIn = current !== null;
    current = null;
    $('console').hidden = true;
    $('who').hidden = true;
    $('sign-in').hidden = false;
    $('sign-in-error').textContent = message || '';
    $('password').value = '';
    $('account').focus();
    if (wasSignedIn) signedOutListeners.forEach(function (fn) { fn(); });
  }

  function signedIn(me) {
    current = { agent: me.agent, csrfToken: me.csrfToken };
    $('sign-in').hidden = true;
    $('console').hidden = false;
    $('who').hidden = false;
    $('agent-name').textContent = t('signedInAs', { name: me.agent.displayName });
    signedInListeners.forEach(function (fn) { fn(me.agent); });
  }

  $('sign-in-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var button = event.target.querySelector('button[type=submit]');
    button.disabled = true;
    api('sign-in', { method: 'POST', body: { account: $('account').value, password: $('password').value } })
      .then(function (r) {
        if (r.ok) return signedIn(r.body);
        $('password').value = '';
        if (r.status === 429) {
          var seconds = Number(r.headers.get('Retry-After')) || 60;
          $('sign-in-error').textContent = t('signIn.locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
        } else if (r.status === 401 || r.status === 400) $('sign-in-error').textContent = t('signIn.wrong');
        else $('sign-in-error').textContent = t('signIn.failed');
      })
      .catch(function () {
        $('sign-in-error').textContent = t('signIn.failed');
      })
      .then(function () {
        button.disabled = false;
      });
  });

  $('sign-out').addEventListener('click', function () {
    api('sign-out', { method: 'POST' }).then(function () {
      showSignIn('');
    });
  });

  window.agentConsole = {
    strings: strings,
    t: t,
    sentence: sentence,
    el: el,
    api: api,
    agent: function () {
      return current ? current.agent : null;
    },
    onSignedIn: function (fn) {
      signedInListeners.push(fn);
      if (current) fn(current.agent);
    },
    onSignedOut: function (fn) {
      signedOutListeners.push(fn);
    },
  };

  // Panels register their listeners in their own deferred scripts, which run after this one: ask who is
  // signed in once they all had the chance.
  document.addEventListener('DOMContentLoaded', function () {
    api('me').then(function (r) {
      if (r.ok) signedIn(r.body);
      // Back from the organisation's sign-in page without a session: say so.
      else showSignIn(/[?&]signIn=failed\b/.test(location.search) ? t('signIn.oidcFailed') : '');
    }, function () {
      showSignIn(t('signIn.failed'));
    });
  });
})();
