/*
 * The citizens' page: Web Chat (served by the bot at /webchat.js) talking to the bot's own Direct Line
 * endpoint by polling. The conversation id and token live in sessionStorage, so a reload continues the
 * same conversation and replays its history; an expired one is replaced by a new one, with a note.
 * Every word shown comes from public/web/strings/<locale>.json, embedded in the page by the server.
 */
(function () {
  'use strict';

  var STORE_KEY = 'yidi.webchat.conversation';
  var DOMAIN = location.origin + '/v3/directline';
  var STATUS = { FailedToConnect: 4, Ended: 5, ExpiredToken: 3 };

  var strings = JSON.parse(document.getElementById('page-strings').textContent);
  var locale = document.documentElement.lang;
  var statusEl = document.getElementById('status');
  var restartEl = document.getElementById('restart');
  var chatEl = document.getElementById('webchat');

  function say(key) {
    statusEl.textContent = strings[key] || '';
  }

  var forgetOnRestart = true;

  /** Shows the button; after a failure it retries the same conversation, otherwise it starts a new one. */
  function offerRestart(keepConversation) {
    forgetOnRestart = !keepConversation;
    restartEl.textContent = keepConversation ? strings.retry : strings.restart;
    restartEl.hidden = false;
  }

  restartEl.addEventListener('click', function () {
    if (forgetOnRestart) forget();
    location.reload();
  });

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || 'null');
      return saved && typeof saved.conversationId === 'string' && typeof saved.token === 'string' ? saved : null;
    } catch (e) {
      return null;
    }
  }

  function save(conversation) {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify({ conversationId: conversation.conversationId, token: conversation.token }));
    } catch (e) {
      /* private mode: the conversation simply does not survive a reload */
    }
  }

  function forget() {
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch (e) {
      /* nothing kept */
    }
  }

  function call(method, path, token, body) {
    var headers = { Accept: 'application/json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body) headers['Content-Type'] = 'application/json';
    return fetch(DOMAIN + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit' }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { status: response.status, data: data };
          });
      },
    );
  }

  /** Reconnect to the saved conversation: null when it (or its token) has expired. */
  function resume(saved) {
    return call('GET', '/conversations/' + encodeURIComponent(saved.conversationId) + '?watermark=', saved.token).then(function (r) {
      if (r.status === 200) return { conversationId: saved.conversationId, token: r.data.token, expiresIn: r.data.expires_in, resumed: true };
      if (r.status === 401 || r.status === 403 || r.status === 404) return null;
      throw r;
    });
  }

  /** A token for a new conversation; the bot greets when Web Chat opens it. */
  function fresh() {
    return call('POST', '/tokens/generate', null, { locale: locale }).then(function (r) {
      if (r.status === 200) return { conversationId: r.data.conversationId, token: r.data.token, expiresIn: r.data.expires_in, resumed: false };
      throw r;
    });
  }

  /** Keeps the saved token valid while the page is open, so a reload can still reconnect. */
  function keepFresh(conversation, directLine) {
    var every = Math.max(60, Math.floor((conversation.expiresIn || 1800) / 2)) * 1000;
    function refresh() {
      return call('POST', '/tokens/refresh', conversation.token).then(function (r) {
        if (r.status !== 200) return false;
        conversation.token = r.data.token;
        save(conversation);
        return true;
      });
    }
    setInterval(function () {
      refresh().catch(function () {});
    }, every);
    directLine.connectionStatus$.subscribe({
      next: function (status) {
        if (status === STATUS.ExpiredToken) {
          refresh()
            .then(function (refreshed) {
              if (refreshed) directLine.reconnect({ token: conversation.token });
              else {
                forget();
                say('expired');
                offerRestart();
              }
            })
            .catch(function () {});
        } else if (status === STATUS.Ended) {
          forget();
          say('ended');
          offerRestart();
        } else if (status === STATUS.FailedToConnect) {
          say('failed');
          offerRestart(true);
        }
      },
    });
  }

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

  function start() {
    var saved = load();
    var opening = saved
      ? resume(saved).then(function (conversation) {
          if (conversation) return conversation;
          forget();
          say('expired');
          return fresh();
        })
      : fresh();

    opening
      .then(function (conversation) {
        save(conversation);
        var options = {
          domain: DOMAIN,
          token: conversation.token,
          webSocket: false,
          pollingInterval: 1000,
          conversationStartProperties: { locale: locale },
        };
        if (conversation.resumed) {
          // Reconnect and replay the whole history: watermark from the start.
          options.conversationId = conversation.conversationId;
          options.watermark = '';
        }
        var directLine = window.WebChat.createDirectLine(options);
        keepFresh(conversation, directLine);
        window.WebChat.renderWebChat({ directLine: directLine, locale: locale, styleOptions: styleOptions }, chatEl);
      })
      .catch(function (problem) {
        say(problem && problem.status === 429 ? 'busy' : 'failed');
        var loading = chatEl.querySelector('.loading');
        if (loading) loading.hidden = true;
        offerRestart(true);
      });
  }

  start();
})();
