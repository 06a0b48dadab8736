/*
 * The citizens' page: Web Chat (the vendored minimal bundle, loaded deferred) in one conversation opened by
 * /web/conversation.js (sessionStorage keeps it across reloads), with the page's own additions from
 * /web/chat-ui.js. This file runs the page around the chat: the status note and restart button, the
 * start-over control in the header, the "about" section that folds away once the person has said
 * something, and the receipt bar once a filing is submitted (its reference in large type, a copy button,
 * a link to the printable receipt). Every word shown comes from public/web/strings/<locale>.json, embedded
 * in the page by the server.
 */
(function () {
  'use strict';

  var strings = JSON.parse(document.getElementById('page-strings').textContent);
  var locale = document.documentElement.lang;
  var statusEl = document.getElementById('status');
  var restartEl = document.getElementById('restart');
  var chatEl = document.getElementById('webchat');
  var startOverEl = document.getElementById('start-over');
  var aboutEl = document.getElementById('about');
  var storeKey = 'yidi.webchat.conversation';
  var domain = location.origin + '/v3/directline';

  function say(key) {
    statusEl.textContent = strings[key] || '';
  }

  var forgetOnRestart = true;
  /** The open conversation (its retry() reconnects without reloading the page), once there is one. */
  var session = null;

  /** Shows the button; after a failure it retries the same conversation, otherwise it starts a new one. */
  function offerRestart(keepConversation) {
    forgetOnRestart = !keepConversation;
    restartEl.textContent = keepConversation ? strings.retry : strings.restart;
    restartEl.hidden = false;
  }

  restartEl.addEventListener('click', function () {
    if (!forgetOnRestart && session && session.retry()) return;
    if (forgetOnRestart) yidiConversation.forget(storeKey);
    location.reload();
  });

  // Once the person has said something, the introduction folds away (its summary stays, to open it again).
  var folded = false;
  function foldAbout() {
    if (folded) return;
    folded = true;
    aboutEl.open = false;
  }

  /** The receipt bar: the reference in large type, copy, and the printable receipt (a link signed for this conversation). */
  var receipt = (function () {
    var bar = document.getElementById('receipt');
    var referenceEl = document.getElementById('receipt-reference');
    var openEl = document.getElementById('receipt-open');
    var copiedEl = document.getElementById('receipt-copied');
    var shown = null;

    document.getElementById('receipt-copy').addEventListener('click', function () {
      var text = referenceEl.textContent;
      var done = function () {
        copiedEl.textContent = strings.copied;
      };
      var failed = function () {
        copiedEl.textContent = strings.copyFailed;
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, failed);
      else failed();
    });

    return function show(filing) {
      if (shown === filing.reference) return;
      shown = filing.reference;
      referenceEl.textContent = filing.reference;
      copiedEl.textContent = '';
      openEl.hidden = true;
      bar.hidden = false;
      if (!session) return;
      var path = '/receipt/' + encodeURIComponent(filing.reference) + '/link' + (locale === 'en-US' ? '?lang=en' : '');
      fetch(path, { method: 'POST', headers: { Authorization: 'Bearer ' + session.token(), Accept: 'application/json' }, credentials: 'omit', cache: 'no-store' })
        .then(function (r) {
          return r.ok ? r.json() : null;
        })
        .then(function (link) {
          if (!link || shown !== filing.reference) return;
          openEl.href = link.url;
          openEl.hidden = false;
        })
        .catch(function () {});
    };
  })();
  var pendingFiling = null;

  var chatUi = yidiChatUi.create({
    locale: locale,
    chatEl: chatEl,
    strings: strings,
    onUserMessage: foldAbout,
    onFiling: function (filing) {
      if (session) receipt(filing);
      else pendingFiling = filing;
    },
  });

  startOverEl.addEventListener('click', function () {
    // The command itself, as if typed: the bot asks before it clears anything.
    if (chatUi.send(strings.startOverCommand)) chatUi.focusSendBox();
  });

  // Web Chat downloads while the conversation opens (the scripts are deferred; this one runs first).
  var bundle = document.getElementById('webchat-bundle');
  var webChatReady = new Promise(function (resolve, reject) {
    if (window.WebChat) return resolve();
    bundle.addEventListener('load', function () {
      resolve();
    });
    bundle.addEventListener('error', reject);
  });

  var styleOptions = {
    primaryFont: '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif',
    accent: '#0b4f8a',
    subtle: '#595959',
    timestampColor: '#595959',
    bubbleMaxWidth: 640,
    bubbleBorderColor: '#8a8a8a',
    bubbleFromUserBackground: '#e8f0f8',
    bubbleFromUserBorderColor: '#8a8a8a',
    suggestedActionLayout: 'flow',
    // A long list of choices (the 24 common questions) scrolls inside a bounded box above the send box.
    suggestedActionsFlowMaxHeight: 176,
    suggestedActionTextColor: '#0b4f8a',
    suggestedActionBorderColor: '#0b4f8a',
    suggestedActionBorderWidth: 2,
    suggestedActionHeight: 44,
    sendBoxTextWrap: true,
    sendBoxPlaceholderColor: '#595959',
    hideUploadButton: true,
  };

  yidiConversation
    .open({
      domain: domain,
      storeKey: storeKey,
      locale: locale,
      chatEl: chatEl,
      styleOptions: styleOptions,
      webChatReady: webChatReady,
      webChatProps: chatUi.props,
      say: say,
      trouble: function (key, keepConversation) {
        say(key);
        offerRestart(keepConversation);
      },
      recovered: function () {
        say('');
        restartEl.hidden = true;
      },
    })
    .then(function (opened) {
      session = opened;
      startOverEl.disabled = false;
      if (pendingFiling) receipt(pendingFiling);
    })
    .catch(function (problem) {
      say(yidiConversation.problemKey(problem));
      // No conversation: no empty chat box under the note, only the note and the button.
      chatEl.hidden = true;
      offerRestart(true);
    });
})();
