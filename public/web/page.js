/*
 * The citizens' page: Web Chat (served by the bot at /webchat.js) in one conversation opened by
 * /web/conversation.js (sessionStorage keeps it across reloads). This file only tells the person what is
 * happening and offers a restart; every word shown comes from public/web/strings/<locale>.json, embedded
 * in the page by the server.
 */
(function () {
  'use strict';

  var strings = JSON.parse(document.getElementById('page-strings').textContent);
  var statusEl = document.getElementById('status');
  var restartEl = document.getElementById('restart');
  var chatEl = document.getElementById('webchat');
  var storeKey = 'yidi.webchat.conversation';

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
      domain: location.origin + '/v3/directline',
      storeKey: storeKey,
      locale: document.documentElement.lang,
      chatEl: chatEl,
      styleOptions: styleOptions,
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
    })
    .catch(function (problem) {
      say(yidiConversation.problemKey(problem));
      // No conversation: no empty chat box under the note, only the note and the button.
      chatEl.hidden = true;
      offerRestart(true);
    });
})();
