// The agency's review page (src/agency/review-page.ts): sign in with an API key, the queue of SUBMITTED
// filings, one filing in full, approve or reject with a reason. It talks to /agency/session and the
// /agency/v1/ API with the session cookie and sends the CSRF token with every change. No other origin.
(function () {
  'use strict';
  var words = JSON.parse(document.getElementById('words').textContent);
  var csrf = null;
  var cursor = null;
  var current = null;
  var $ = function (id) { return document.getElementById(id); };

  function t(key, params) {
    var s = words[key] || key;
    return s.replace(/\{(\w+)\}/g, function (m, name) { return params && params[name] !== undefined ? String(params[name]) : m; });
  }

  function show(section) {
    ['sign-in', 'queue', 'filing'].forEach(function (id) { $(id).hidden = id !== section; });
  }

  function notice(text) { $('notice').textContent = text || ''; }

  function api(method, path, body) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (csrf && method !== 'GET') headers['X-CSRF-Token'] = csrf;
    return fetch(path, { method: method, headers: headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        return res.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          return { status: res.status, data: data };
        });
      });
  }

  function signedIn(session) {
    csrf = session.csrf;
    $('signed-in-as').textContent = t('signedInAs', { name: session.name });
    $('sign-out').hidden = false;
    loadQueue(true);
  }

  function signedOut() {
    csrf = null;
    $('signed-in-as').textContent = '';
    $('sign-out').hidden = true;
    show('sign-in');
    $('key').focus();
  }

  function statusName(status) { return t('status' + status); }

  function categoryName(id) { return words['category_' + id] ? t('categoryWithId', { name: words['category_' + id], id: id }) : id; }

  function when(iso) {
    try { return new Date(iso).toLocaleString(document.documentElement.lang, { timeZone: 'Asia/Shanghai' }); } catch (e) { return iso; }
  }

  // Each fresh load of the queue (sign-in, refresh, back, after a decision) starts a new generation: an
  // answer of an older one (a next page asked for before a refresh) is dropped, never added to the new list.
  // One next page at a time: "load more" is disabled while it is on its way.
  var generation = 0;
  var moreOf = null;

  function loadQueue(fresh) {
    if (!fresh && (moreOf === generation || !cursor)) return Promise.resolve();
    var mine = fresh ? ++generation : generation;
    if (fresh) moreOf = null;
    else moreOf = mine;
    $('more').disabled = moreOf === generation;
    var path = '/agency/v1/filings?status=SUBMITTED&limit=50' + (!fresh && cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    function settled() {
      if (moreOf !== mine || fresh) return;
      moreOf = null;
      $('more').disabled = false;
    }
    return api('GET', path).then(function (res) {
      settled();
      if (mine !== generation) return;
      if (res.status === 401) return signedOut();
      if (res.status !== 200) return notice(t('failed'));
      var body = $('queue-table').tBodies[0];
      if (fresh) body.textContent = '';
      res.data.filings.forEach(function (f) {
        var row = body.insertRow();
        row.dataset.reference = f.reference;
        row.insertCell().textContent = f.reference;
        row.insertCell().textContent = categoryName(f.category);
        row.insertCell().textContent = when(f.createdAt);
        var open = document.createElement('button');
        open.type = 'button';
        open.className = 'open';
        open.textContent = t('open');
        open.addEventListener('click', function () { openFiling(f.reference); });
        row.insertCell().appendChild(open);
      });
      cursor = res.data.nextCursor || null;
      $('more').hidden = !cursor;
      $('queue-empty').hidden = body.rows.length > 0;
      show('queue');
    }, function () { settled(); if (mine === generation) notice(t('offline')); });
  }

  var FIELDS = [
    ['filerMode', 'fieldFilerMode'], ['person.name', 'fieldPersonName'], ['person.idNumber', 'fieldPersonIdNumber'], ['person.phone', 'fieldPersonPhone'],
    ['agent.name', 'fieldAgentName'], ['agent.idNumber', 'fieldAgentIdNumber'], ['agent.phone', 'fieldAgentPhone'], ['agent.relationship', 'fieldAgentRelationship'],
    ['insuredPlace', 'fieldInsuredPlace'], ['treatmentPlace', 'fieldTreatmentPlace'], ['scheme', 'fieldScheme'], ['scope', 'fieldScope'],
    ['retroactive', 'fieldRetroactive'], ['startDate', 'fieldStartDate'], ['endDate', 'fieldEndDate'], ['admissionDate', 'fieldAdmissionDate'],
    ['address', 'fieldAddress'], ['employer.name', 'fieldEmployerName'], ['referringHospital', 'fieldReferringHospital'],
    ['institutions', 'fieldInstitutions'], ['commitment', 'fieldCommitment']
  ];

  // A coded value (SELF, true, …) in the words a reviewer reads (value:<field path>:<value>); text as it is.
  function valueText(path, value) {
    if (Array.isArray(value)) return value.map(function (v) { return valueText(path, v); }).join(t('listSeparator'));
    var key = 'value:' + path + ':' + String(value);
    return Object.prototype.hasOwnProperty.call(words, key) ? words[key] : String(value);
  }

  function at(obj, path) {
    return path.split('.').reduce(function (o, k) { return o === null || o === undefined ? undefined : o[k]; }, obj);
  }

  function fact(list, label, value) {
    var dt = document.createElement('dt');
    dt.textContent = label;
    var dd = document.createElement('dd');
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function actorText(actor) {
    if (actor.kind === 'agency') return t('actorAgency', { name: actor.name || '' });
    return actor.kind === 'person' ? t('actorPerson') : t('actorSystem');
  }

  // One line of the history: a move (from → to), or the first event, which has no "from": the submit
  // ("Submitted"), or for a change the standing it took over (its status).
  function historyLine(e) {
    var params = { at: when(e.at), to: statusName(e.to), actor: actorText(e.actor) };
    if (!e.from) return t('historyFirst', { at: params.at, to: e.to === 'SUBMITTED' ? t('historySubmitted') : params.to, actor: params.actor });
    params.from = statusName(e.from);
    return t('historyEntry', params);
  }

  function openFiling(reference) {
    notice('');
    return api('GET', '/agency/v1/filings/' + encodeURIComponent(reference)).then(function (res) {
      if (res.status === 401) return signedOut();
      if (res.status === 404) return notice(t('notFound', { reference: reference }));
      if (res.status !== 200) return notice(t('failed'));
      var f = res.data;
      current = f;
      $('filing-reference').textContent = t('reference') + ' ' + f.reference;
      var facts = $('filing-facts');
      facts.textContent = '';
      fact(facts, t('status'), statusName(f.status));
      fact(facts, t('category'), categoryName(f.category));
      fact(facts, t('created'), when(f.createdAt));
      if (f.channel) fact(facts, t('channel'), valueText('channel', f.channel));
      if (f.replaces) fact(facts, t('replaces'), f.replaces);
      if (f.replacedBy) fact(facts, t('replacedBy'), f.replacedBy);
      var fields = $('filing-fields');
      fields.textContent = '';
      FIELDS.forEach(function (pair) {
        var value = at(f.filing, pair[0]);
        if (value === undefined || value === null || value === '') return;
        fact(fields, t(pair[1]), valueText(pair[0], value));
      });
      var history = $('filing-history');
      history.textContent = '';
      f.history.forEach(function (e) {
        var li = document.createElement('li');
        // A change's first event names the filing it replaces (the store's words, "replaces <reference>"): in the page's words.
        if (!e.from && f.replaces && e.reason === 'replaces ' + f.replaces) li.textContent = t('historyReplaces', { entry: historyLine(e), reference: f.replaces });
        else li.textContent = e.reason ? t('historyWithReason', { entry: historyLine(e), reason: e.reason }) : historyLine(e);
        history.appendChild(li);
      });
      $('decision').hidden = f.status !== 'SUBMITTED';
      $('reason').value = '';
      $('decision-error').textContent = '';
      show('filing');
    }, function () { notice(t('offline')); });
  }

  function requestId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function decide(status) {
    var reason = $('reason').value.trim();
    if (status === 'REJECTED' && !reason) {
      $('decision-error').textContent = t('reasonRequired');
      $('reason').focus();
      return;
    }
    var reference = current.reference;
    var body = { status: status, requestId: requestId() };
    if (reason) body.reason = reason;
    $('approve').disabled = $('reject').disabled = true;
    api('POST', '/agency/v1/filings/' + encodeURIComponent(reference) + '/status', body).then(function (res) {
      $('approve').disabled = $('reject').disabled = false;
      if (res.status === 401) return signedOut();
      if (res.status === 409) { notice(t('conflict', { reference: reference })); return loadQueue(true); }
      if (res.status !== 200) { $('decision-error').textContent = t('failed'); return; }
      notice(t(status === 'EFFECTIVE' ? 'approved' : 'rejected', { reference: reference }));
      return loadQueue(true);
    }, function () {
      $('approve').disabled = $('reject').disabled = false;
      $('decision-error').textContent = t('offline');
    });
  }

  function fillWords() {
    $('title').textContent = t('title');
    $('sign-in-heading').textContent = t('signInHeading');
    $('sign-in-help').textContent = t('signInHelp');
    $('key-label').textContent = t('keyLabel');
    $('sign-in-button').textContent = t('signIn');
    $('sign-out').textContent = t('signOut');
    $('queue-heading').textContent = t('queueHeading');
    $('queue-empty').textContent = t('queueEmpty');
    $('find-label').textContent = t('findLabel');
    $('find').textContent = t('find');
    $('refresh').textContent = t('refresh');
    $('more').textContent = t('more');
    $('back').textContent = t('back');
    $('approve').textContent = t('approve');
    $('reject').textContent = t('reject');
    $('reason-label').textContent = t('rejectReasonLabel');
    Array.prototype.forEach.call(document.querySelectorAll('[data-word]'), function (el) { el.textContent = t(el.getAttribute('data-word')); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    fillWords();
    $('sign-in-form').addEventListener('submit', function (event) {
      event.preventDefault();
      $('sign-in-error').textContent = '';
      api('POST', '/agency/session', { key: $('key').value.trim() }).then(function (res) {
        $('key').value = '';
        if (res.status === 200) return signedIn(res.data);
        $('sign-in-error').textContent = res.status === 429 ? t('tooMany') : res.status === 401 ? t('signInFailed') : t('failed');
      }, function () { $('sign-in-error').textContent = t('offline'); });
    });
    $('sign-out').addEventListener('click', function () {
      api('DELETE', '/agency/session').then(signedOut, signedOut);
    });
    // Any filing by its reference (e.g. one decided already, to see its history): the queue holds only SUBMITTED ones.
    $('find-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var reference = $('find-reference').value.trim();
      if (reference) openFiling(reference);
    });
    $('refresh').addEventListener('click', function () { notice(''); loadQueue(true); });
    $('more').addEventListener('click', function () { loadQueue(false); });
    $('back').addEventListener('click', function () { loadQueue(true); });
    $('approve').addEventListener('click', function () { decide('EFFECTIVE'); });
    $('reject').addEventListener('click', function () { decide('REJECTED'); });
    api('GET', '/agency/session').then(function (res) {
      if (res.status === 200) signedIn(res.data);
      else signedOut();
    }, function () { signedOut(); notice(t('offline')); });
  });
})();
