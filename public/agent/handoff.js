// The live handoff's panel in the hotline console: the queue (polled), taking a conversation, its
// transcript and draft, the chat with the person, filling the form in for them, handing back.
// Loaded after console.js; uses window.agentConsole (api, el, sentence, onSignedIn, onSignedOut). Words come from
// GET /agent/api/queue/words (content/locales/<locale>/handoff.json, console.*).
'use strict';
(function () {
  var QUEUE_EVERY_MS = 2000;
  var CHAT_EVERY_MS = 1500;
  var root = document.getElementById('handoff');
  var consoleApi = window.agentConsole;
  if (!root || !consoleApi) return;

  var words = {};
  var queueTimer = null;
  var chatTimer = null;
  var open = null; // { id, after, state, draft }

  var el = consoleApi.el;

  function t(key, params) {
    return consoleApi.sentence(words, key, params);
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return (m < 10 ? '0' : '') + m + ':' + (s < 10 ? '0' : '') + s;
  }

  function stageText(draft) {
    if (!draft || !draft.stage) return t('noFiling');
    return draft.step + '/' + draft.of + ' ' + t('steps.' + draft.stage);
  }

  function factsList(draft) {
    var list = el('dl', { class: 'handoff-facts' });
    (draft && draft.facts ? draft.facts : []).forEach(function (fact) {
      list.appendChild(el('dt', { text: fact.label }));
      list.appendChild(el('dd', { text: fact.value }));
    });
    return list;
  }

  // ---- the layout, made once ----
  var status = el('p', { id: 'handoff-status', class: 'handoff-status', role: 'status', 'aria-live': 'polite' });
  var agents = el('p', { id: 'handoff-agents', class: 'handoff-agents' });
  var queueTitle = el('h2', { id: 'handoff-queue-title' });
  var queueList = el('ul', { id: 'handoff-queue', class: 'handoff-list', 'aria-labelledby': 'handoff-queue-title' });
  var others = el('p', { id: 'handoff-others', class: 'handoff-muted' });
  var mineTitle = el('h2', { id: 'handoff-mine-title' });
  var mineList = el('ul', { id: 'handoff-mine', class: 'handoff-list', 'aria-labelledby': 'handoff-mine-title' });
  var side = el('div', { class: 'handoff-side' }, [agents, queueTitle, queueList, others, mineTitle, mineList]);

  var convTitle = el('h2', { id: 'handoff-conversation-title' });
  // The logs scroll: each is focusable (keyboard scrolling) and named by its heading.
  var transcriptTitle = el('h3', { id: 'handoff-transcript-title' });
  var transcript = el('ol', { id: 'handoff-transcript', class: 'handoff-log', tabindex: '0', 'aria-labelledby': 'handoff-transcript-title' });
  var draftTitle = el('h3', {});
  var draft = el('div', { id: 'handoff-draft' });
  var chatTitle = el('h3', { id: 'handoff-chat-title' });
  var chat = el('ol', { id: 'handoff-chat', class: 'handoff-log', tabindex: '0', 'aria-labelledby': 'handoff-chat-title', 'aria-live': 'polite' });
  var text = el('textarea', { id: 'handoff-text', rows: '3', maxlength: '2000' });
  var sendButton = el('button', { type: 'submit', id: 'handoff-send', class: 'primary' });
  var form = el('form', { id: 'handoff-form', class: 'handoff-form' }, [text, sendButton]);
  var fillButton = el('button', { type: 'button', id: 'handoff-fill' });
  var handBackAt = el('select', { id: 'handoff-hand-back-at' });
  var handBackLabel = el('label', { for: 'handoff-hand-back-at' });
  var handBackButton = el('button', { type: 'button', id: 'handoff-hand-back' });
  var finishButton = el('button', { type: 'button', id: 'handoff-finish' });
  var actions = el('div', { class: 'handoff-actions' }, [fillButton, handBackLabel, handBackAt, handBackButton, finishButton]);
  var conversation = el('section', { id: 'handoff-conversation', class: 'handoff-conversation', 'aria-labelledby': 'handoff-conversation-title', hidden: true }, [
    convTitle,
    el('div', { class: 'handoff-columns' }, [
      el('div', {}, [transcriptTitle, transcript, draftTitle, draft]),
      el('div', {}, [chatTitle, chat, form, actions]),
    ]),
  ]);
  root.appendChild(status);
  root.appendChild(el('div', { class: 'handoff-grid' }, [side, conversation]));

  function label() {
    queueTitle.textContent = t('queueTitle');
    mineTitle.textContent = t('mineTitle');
    transcriptTitle.textContent = t('transcript');
    draftTitle.textContent = t('draft');
    chatTitle.textContent = t('chat');
    sendButton.textContent = t('send');
    fillButton.textContent = t('fillIn');
    handBackLabel.textContent = t('handBackAt');
    handBackButton.textContent = t('handBack');
    finishButton.textContent = t('finish');
  }

  function say(message) {
    status.textContent = message || '';
  }

  // ---- the queue ----
  function row(item, mine) {
    var meta = el('p', { class: 'handoff-meta' }, [
      el('span', { class: 'handoff-waited', text: t('waited', { wait: clock(item.waitedSeconds) }) }),
      el('span', { text: t('channel') + ': ' + item.channel }),
      el('span', { text: t('stage') + ': ' + stageText(item.draft) }),
      el('span', { text: t('category') + ': ' + (item.draft && item.draft.category ? item.draft.category : '—') }),
    ]);
    var button = el('button', { type: 'button', class: mine ? 'open' : 'take primary', 'data-id': item.id, text: mine ? convTitleFor(item) : t('take') });
    button.addEventListener('click', function () {
      if (mine) show(item.id);
      else take(item.id, button);
    });
    return el('li', { 'data-id': item.id, 'data-state': item.state }, [meta, factsList(item.draft), button]);
  }

  function convTitleFor(item) {
    return t('chat') + ' · ' + stageText(item.draft);
  }

  // What a list shows apart from the waiting times: redrawn only when that changes, so a button the agent
  // has focused (keyboard) stays where it is while the times tick on.
  var shown = { waiting: null, mine: null, count: 0, title: document.title };

  function listKey(items) {
    return JSON.stringify(items.map(function (item) {
      return [item.id, item.state, item.channel, item.draft];
    }));
  }

  function fill(list, items, mine, key) {
    if (shown[mine ? 'mine' : 'waiting'] === key) {
      items.forEach(function (item) {
        var waited = list.querySelector('li[data-id="' + item.id + '"] .handoff-waited');
        if (waited) waited.textContent = t('waited', { wait: clock(item.waitedSeconds) });
      });
      return;
    }
    shown[mine ? 'mine' : 'waiting'] = key;
    list.replaceChildren();
    if (!mine && items.length === 0) list.appendChild(el('li', { class: 'handoff-muted', text: t('empty') }));
    items.forEach(function (item) {
      list.appendChild(row(item, mine));
    });
  }

  function render(queue) {
    agents.textContent = t('agentsPresent', { count: queue.agentsPresent });
    fill(queueList, queue.waiting, false, listKey(queue.waiting));
    fill(mineList, queue.mine, true, listKey(queue.mine));
    others.textContent = queue.othersTaken > 0 ? t('othersTaken', { count: queue.othersTaken }) : '';
    // Someone new waits: said once (a polite live region), and counted in the tab's title.
    if (queue.waiting.length > shown.count) say(t('newWaiting', { count: queue.waiting.length }));
    else if (queue.waiting.length === 0 && status.textContent === t('newWaiting', { count: shown.count })) say('');
    shown.count = queue.waiting.length;
    document.title = (queue.waiting.length > 0 ? '(' + queue.waiting.length + ') ' : '') + shown.title;
  }

  function pollQueue() {
    consoleApi.api('queue').then(function (r) {
      if (r.ok) render(r.body);
    }, function () {});
  }

  function take(id, button) {
    button.disabled = true;
    consoleApi.api('handoffs/' + encodeURIComponent(id) + '/take', { method: 'POST', body: {} }).then(function (r) {
      if (r.ok) {
        say('');
        show(id);
      } else say(r.status === 409 ? t('takenByOther') : t('failed'));
      pollQueue();
    }, function () {
      say(t('failed'));
      button.disabled = false;
    });
  }

  // ---- one conversation ----
  function line(message) {
    var who = message.from === 'agent' && message.name ? message.name : t('from.' + message.from);
    return el('li', { class: 'from-' + message.from }, [el('span', { class: 'handoff-who', text: who }), el('span', { class: 'handoff-text', text: message.text })]);
  }

  function show(id) {
    open = { id: id, after: 0, state: null, draftKey: '' };
    transcript.replaceChildren();
    chat.replaceChildren();
    conversation.hidden = false;
    refresh(true);
    if (chatTimer) clearInterval(chatTimer);
    chatTimer = setInterval(refresh, CHAT_EVERY_MS);
  }

  function close() {
    open = null;
    conversation.hidden = true;
    if (chatTimer) clearInterval(chatTimer);
    chatTimer = null;
    pollQueue();
  }

  // The chat's read in flight, if any: ending the conversation waits for it, so that no read of a
  // conversation that just ended is sent (it would come back 404).
  var reading = Promise.resolve();

  function refresh(first) {
    if (!open || open.ending) return;
    var current = open;
    reading = consoleApi.api('handoffs/' + encodeURIComponent(current.id) + '?after=' + current.after).then(function (r) {
      if (open !== current) return;
      if (!r.ok) {
        if (r.status === 404 || r.status === 403) close();
        return;
      }
      var body = r.body;
      if (first === true) body.transcript.forEach(function (m) { transcript.appendChild(line(m)); });
      body.messages.forEach(function (m) { chat.appendChild(line(m)); });
      current.after += body.messages.length;
      if (body.messages.length > 0) chat.lastChild.scrollIntoView({ block: 'nearest' });
      current.state = body.handoff.state;
      convTitle.textContent = convTitleFor(body.handoff);
      conversation.setAttribute('data-state', current.state);
      text.placeholder = current.state === 'filling' ? t('answerPlaceholder') : t('messagePlaceholder');
      text.setAttribute('aria-label', text.placeholder);
      fillButton.hidden = current.state === 'filling';
      var key = JSON.stringify(body.handoff.draft);
      if (key !== current.draftKey) {
        current.draftKey = key;
        draft.replaceChildren(factsList(body.handoff.draft));
        var chosen = handBackAt.value;
        handBackAt.replaceChildren(el('option', { value: '', text: t('whereItWaited') }));
        body.handoff.draft.facts.forEach(function (fact) {
          handBackAt.appendChild(el('option', { value: fact.id, text: fact.label }));
        });
        handBackAt.value = chosen;
        if (handBackAt.value !== chosen) handBackAt.value = '';
      }
    }, function () {});
  }

  function act(path, body) {
    if (!open) return Promise.resolve(false);
    var id = open.id;
    return consoleApi.api('handoffs/' + encodeURIComponent(id) + '/' + path, { method: 'POST', body: body || {} }).then(function (r) {
      if (!r.ok) say(t('failed'));
      return r.ok;
    }, function () {
      say(t('failed'));
      return false;
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var words = text.value.trim();
    if (!words || !open) return;
    sendButton.disabled = true;
    act('messages', { text: words, as: open.state === 'filling' ? 'answer' : 'message' }).then(function (ok) {
      sendButton.disabled = false;
      if (ok) {
        text.value = '';
        refresh();
      }
      text.focus();
    });
  });
  text.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  fillButton.addEventListener('click', function () {
    act('fill').then(function () { refresh(); });
  });
  // Ending (hand back, finish): the chat stops being read first, and the read in flight is waited for.
  function end(path, body) {
    if (!open) return;
    var current = open;
    current.ending = true;
    if (chatTimer) clearInterval(chatTimer);
    chatTimer = null;
    reading.then(function () {
      return act(path, body);
    }).then(function (ok) {
      if (ok) close();
      else if (open === current) {
        current.ending = false;
        chatTimer = setInterval(refresh, CHAT_EVERY_MS);
      }
    });
  }
  handBackButton.addEventListener('click', function () {
    end('hand-back', handBackAt.value ? { at: handBackAt.value } : {});
  });
  finishButton.addEventListener('click', function () {
    end('finish');
  });

  consoleApi.onSignedIn(function () {
    var lang = document.documentElement.lang || 'zh-CN';
    consoleApi.api('queue/words?lang=' + encodeURIComponent(lang)).then(function (r) {
      if (r.ok) words = r.body;
      label();
      pollQueue();
      if (queueTimer) clearInterval(queueTimer);
      queueTimer = setInterval(pollQueue, QUEUE_EVERY_MS);
    });
  });
  consoleApi.onSignedOut(function () {
    if (queueTimer) clearInterval(queueTimer);
    queueTimer = null;
    close();
    if (queueTimer) clearInterval(queueTimer);
  });
})();
