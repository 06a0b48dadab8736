// The guided call: the agent reads each question aloud, records the caller's answer (a choice, keys 1–9, or
// their own words), sees every answer so far with a change button, reads the outcome script word for word
// and ticks it, and can pause and resume the call. Talks to /agent/api/calls (src/channels/hotline/).
'use strict';
(function () {
  var ac = window.agentConsole;
  var el = ac.el;
  var root = document.getElementById('guided-call');
  var screen = null; // the last CallScreen
  var busy = false;

  function t(key, params) {
    return ac.t('call.' + key, params);
  }

  function time(iso) {
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString(document.documentElement.lang, { hour12: false });
  }

  function fail(r) {
    showProblem(r && r.status === 403 ? t('notYours') : t('failed'));
  }

  function showProblem(message) {
    var box = document.getElementById('call-problem');
    if (box) box.textContent = message;
  }

  /** Calls the API for the current call; draws the screen it answers. */
  function act(path, body) {
    if (busy) return Promise.resolve();
    busy = true;
    root.setAttribute('aria-busy', 'true');
    return ac
      .api(path, { method: 'POST', body: body === undefined ? {} : body })
      .then(function (r) {
        if (r.ok && r.body && r.body.call) draw(r.body);
        else if (r.ok && r.body && r.body.script && screen) {
          screen.script = r.body.script;
          draw(screen);
        } else if (r.status !== 401) fail(r);
      }, fail)
      .then(function () {
        busy = false;
        root.removeAttribute('aria-busy');
      });
  }

  function say(text) {
    if (!screen || !text) return;
    return act('calls/' + screen.call.id + '/say', { text: text });
  }

  // ---- the call list (no call open) ----

  function drawHome() {
    screen = null;
    root.replaceChildren();
    var live = document.getElementById('call-live');
    if (live) live.textContent = '';
    var language = el('select', { id: 'call-language' }, ['zh-CN', 'en-US'].map(function (code) {
      return el('option', { value: code, text: ac.strings['call.languages.' + code] });
    }));
    var start = el('button', { type: 'button', class: 'primary large', id: 'start-call', text: t('start'), onclick: function () {
      act('calls', { locale: language.value });
    } });
    var list = el('ul', { class: 'open-calls', id: 'open-calls' });
    root.append(
      el('h2', { text: t('title') }),
      el('div', { class: 'start-row' }, [el('label', { for: 'call-language', text: t('language') }), language, start]),
      el('p', { id: 'call-problem', class: 'error', role: 'alert' }),
      el('h3', { text: t('open') }),
      list
    );
    // The agent's calls not ended: a paused one is resumed, one left open (a reload) is shown again.
    ac.api('calls').then(function (r) {
      if (!r.ok) return;
      var open = r.body.calls.filter(function (c) { return c.status !== 'ended'; });
      if (open.length === 0) list.append(el('li', { text: t('noOpen') }));
      open.forEach(function (c) {
        list.append(el('li', {}, [
          el('span', { text: t('startedAt', { time: time(c.startedAt) }) + ' · ' + t('status.' + c.status) + (c.waitingLabel ? ' · ' + t('waitingAt', { question: c.waitingLabel }) : '') + ' ' }),
          el('button', { type: 'button', class: 'resume', 'data-call': c.id, text: t('resume'), onclick: function () {
            screen = { call: c };
            if (c.status === 'paused') act('calls/' + c.id + '/resume');
            else reopen(c.id);
          } }),
        ]));
      });
    });
  }

  /** A call left open (the page was reloaded): the question it waits at, asked again. */
  function reopen(id) {
    if (busy) return;
    busy = true;
    ac.api('calls/' + id).then(function (r) {
      if (r.ok) draw(r.body);
      else if (r.status !== 401) fail(r);
    }, fail).then(function () {
      busy = false;
    });
  }

  // ---- a call ----

  function draw(s) {
    screen = s;
    root.replaceChildren();
    var main = el('div', { class: 'call-main' });
    var side = el('aside', { class: 'call-answers', 'aria-labelledby': 'answers-title' });
    root.append(el('div', { class: 'call-layout' }, [main, side]));

    var header = el('div', { class: 'call-header' }, [
      el('h2', { text: t('title') }),
      s.question && s.question.progress
        ? el('p', { class: 'progress', id: 'call-progress', text: t('progress', { step: s.question.progress.step, of: s.question.progress.of, stage: s.question.progress.stageName }) + ' · ' + t('answeredCount', { count: s.answers.length }) })
        : null,
      el('div', { class: 'call-actions' }, [
        s.call.status === 'active' ? el('button', { type: 'button', id: 'pause-call', text: t('pause'), onclick: function () { act('calls/' + s.call.id + '/pause'); } }) : null,
        s.call.status === 'paused' ? el('button', { type: 'button', id: 'resume-call', class: 'primary', text: t('resume'), onclick: function () { act('calls/' + s.call.id + '/resume'); } }) : null,
        s.call.status !== 'ended' ? el('button', { type: 'button', id: 'end-call', text: t('end'), onclick: function () { act('calls/' + s.call.id + '/end').then(function () { if (screen && screen.call.status === 'ended') drawHome(); }); } }) : null,
      ]),
    ]);
    main.append(header, el('p', { id: 'call-problem', class: 'error', role: 'alert' }));

    if (s.call.status === 'paused') main.append(el('p', { class: 'notice', id: 'paused-notice', text: t('pausedNotice') }));
    if (s.call.status === 'ended') main.append(el('p', { class: 'notice', text: t('endedNotice') }));

    if (s.consent) {
      main.append(el('p', { class: 'consent', id: 'consent-record', text: t(s.consent.given ? 'consentGiven' : 'consentDeclined', { agent: s.consent.agent, time: time(s.consent.at) }) }));
    }
    if (s.filing) main.append(el('p', { class: 'filed', id: 'filed', role: 'status', text: t('filed', { reference: s.filing.reference }) }));

    s.said.forEach(function (line) {
      main.append(el('p', { class: 'said ' + line.kind, text: line.text }));
    });

    var gated = false;
    if (s.script) {
      var readBox = el('input', { type: 'checkbox', id: 'script-read', checked: Boolean(s.script.read), disabled: Boolean(s.script.read) || s.call.status !== 'active', onchange: function (event) {
        if (event.target.checked) act('calls/' + s.call.id + '/script-read');
      } });
      gated = !s.script.read && s.question && s.question.promptId === s.scriptGate;
      // Read and gone past: folded away (open it to read it again), so the question stays in view.
      var folded = Boolean(s.script.read) && !(s.question && s.question.promptId === s.scriptGate);
      if (folded) {
        main.append(el('details', { class: 'script folded', id: 'outcome-script' }, [
          el('summary', { text: t('script') + ' · ' + t('scriptReadBy', { agent: s.script.read.agent, time: time(s.script.read.at) }) }),
          el('div', { class: 'script-text' }, s.script.lines.map(function (line) { return el('p', { text: line }); })),
        ]));
      } else main.append(el('section', { class: 'script', id: 'outcome-script', 'aria-labelledby': 'script-title' }, [
        el('h3', { id: 'script-title', text: t('script') }),
        el('div', { class: 'script-text' }, s.script.lines.map(function (line) { return el('p', { text: line }); })),
        el('label', { class: 'tick' }, [readBox, ' ' + t('scriptRead')]),
        s.script.read ? el('p', { class: 'read-by', text: t('scriptReadBy', { agent: s.script.read.agent, time: time(s.script.read.at) }) }) : null,
        gated ? el('p', { class: 'hint', text: t('readFirst') }) : null,
      ]));
    }

    if (s.question && s.call.status === 'active') {
      var q = s.question;
      var choices = el('div', { class: 'choices', id: 'choices', role: 'group', 'aria-label': t('choicesHint') });
      q.choices.forEach(function (label, index) {
        choices.append(el('button', { type: 'button', class: 'choice', 'data-key': index < 9 ? String(index + 1) : null, disabled: gated, text: label, onclick: function () { say(label); } }, [
          index < 9 ? el('kbd', { 'aria-hidden': 'true', text: String(index + 1) }) : null,
        ]));
      });
      var input = el('textarea', { id: 'caller-words', rows: '2', maxlength: '2000', disabled: gated });
      var form = el('form', { class: 'caller-form', onsubmit: function (event) {
        event.preventDefault();
        var text = input.value.trim();
        if (text) say(text);
      } }, [el('label', { for: 'caller-words', text: t('callerSaid') }), input, el('button', { type: 'submit', class: 'primary', disabled: gated, text: t('send') })]);
      main.append(
        el('section', { class: 'question', 'data-prompt': q.promptId, 'aria-labelledby': 'read-aloud-label' }, [
          el('p', { class: 'read-aloud-label', id: 'read-aloud-label', text: t('readAloud') }),
          el('p', { class: 'spoken', id: 'spoken', text: q.spoken }),
          el('details', { class: 'written' }, [el('summary', { text: t('written') }), el('p', { text: q.text })]),
          q.choices.length > 0 ? el('p', { class: 'hint', text: t('choicesHint') }) : null,
          choices,
          form,
        ])
      );
    }

    side.append(el('h3', { id: 'answers-title', text: t('answers') }));
    if (s.answers.length === 0) side.append(el('p', { text: t('noAnswers') }));
    var list = el('dl', { class: 'answers', id: 'answers' });
    s.answers.forEach(function (answer) {
      list.append(
        el('dt', { text: answer.label }),
        el('dd', { 'data-answer': answer.id }, [
          el('span', { class: 'value', text: answer.value }),
          answer.editable && s.call.status === 'active'
            ? el('button', { type: 'button', class: 'edit', 'data-edit': answer.id, 'aria-label': t('editLabel', { label: answer.label }), text: t('edit'), onclick: function () {
                act('calls/' + s.call.id + '/edit', { question: answer.id });
              } })
            : null,
        ])
      );
    });
    side.append(list);

    // Said once to a screen reader: the sentence to read now (the screen itself is redrawn whole).
    var live = document.getElementById('call-live');
    if (live) live.textContent = s.question && s.call.status === 'active' ? s.question.spoken : s.call.status === 'paused' ? t('pausedNotice') : '';
    var focus = root.querySelector('.question .choice:not([disabled])') || root.querySelector('#caller-words:not([disabled])');
    if (focus && document.activeElement === document.body) focus.focus({ preventScroll: true });
  }

  // Keys 1–9 pick a choice (not while typing the caller's words).
  document.addEventListener('keydown', function (event) {
    if (!screen || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' || target.tagName === 'SELECT')) return;
    if (!/^[1-9]$/.test(event.key)) return;
    var button = root.querySelector('.choice[data-key="' + event.key + '"]:not([disabled])');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  ac.onSignedIn(drawHome);
  ac.onSignedOut(function () {
    screen = null;
    root.replaceChildren();
  });
})();
