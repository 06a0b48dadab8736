/*
 * 异地就医备案助手 — the one-line embed for a government portal's own page (docs/embedding.md):
 *
 *   <div id="yidi-chat" style="height:40rem;max-width:48rem"></div>
 *   <script src="https://<bot>/embed.js" data-target="yidi-chat" data-locale="zh-CN" async></script>
 *
 * Served by the bot at /embed.js, with the page's words (public/web/strings/<locale>.json) filled in
 * below. It loads Web Chat from the same bot, gets a token for a new conversation, and renders Web Chat
 * into the target element against the bot's Direct Line endpoint (polling). The conversation id and
 * token are kept in the portal's sessionStorage, so a reload continues the conversation with its history.
 * The portal's origin must be listed in the bot's WEB_ALLOWED_ORIGINS, or the browser blocks the calls.
 */
(function () {
  'use strict';

  var STRINGS = /*{{strings}}*/ null;
  var script = document.currentScript;
  if (!script || !script.src) return;
  var BOT = new URL(script.src).origin;
  var DOMAIN = BOT + '/v3/directline';
  var STORE_KEY = 'yidi.webchat.conversation@' + BOT;
  var STATUS = { FailedToConnect: 4, Ended: 5, ExpiredToken: 3 };
  var locale = /^en/i.test(script.getAttribute('data-locale') || '') ? 'en-US' : 'zh-CN';
  var strings = (STRINGS && STRINGS[locale]) || {};

  function whenReady(then) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', then);
    else then();
  }

  whenReady(function () {
    var chatEl = document.getElementById(script.getAttribute('data-target') || 'yidi-chat');
    if (!chatEl) return;
    if (!chatEl.hasAttribute('aria-label') && strings.chatLabel) chatEl.setAttribute('aria-label', strings.chatLabel);
    if (!chatEl.hasAttribute('role')) chatEl.setAttribute('role', 'region');
    if (!chatEl.hasAttribute('lang')) chatEl.setAttribute('lang', locale);

    var statusEl = document.createElement('p');
    statusEl.className = 'yidi-chat-status';
    statusEl.setAttribute('role', 'status');
    statusEl.setAttribute('aria-live', 'polite');
    statusEl.setAttribute('lang', locale);
    chatEl.parentNode.insertBefore(statusEl, chatEl);

    function say(key) {
      statusEl.textContent = strings[key] || '';
    }

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
        /* private mode: the conversation does not survive a reload */
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

    function resume(saved) {
      return call('GET', '/conversations/' + encodeURIComponent(saved.conversationId) + '?watermark=', saved.token).then(function (r) {
        if (r.status === 200) return { conversationId: saved.conversationId, token: r.data.token, expiresIn: r.data.expires_in, resumed: true };
        if (r.status === 401 || r.status === 403 || r.status === 404) return null;
        throw r;
      });
    }

    function fresh() {
      return call('POST', '/tokens/generate', null, { locale: locale }).then(function (r) {
        if (r.status === 200) return { conversationId: r.data.conversationId, token: r.data.token, expiresIn: r.data.expires_in, resumed: false };
        throw r;
      });
    }

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
                }
              })
              .catch(function () {});
          } else if (status === STATUS.Ended) {
            forget();
            say('ended');
          } else if (status === STATUS.FailedToConnect) {
            say('failed');
          }
        },
      });
    }

    function failed(problem) {
      say(problem && problem.status === 429 ? 'busy' : 'failed');
    }

    function withWebChat(then) {
      if (window.WebChat && window.WebChat.renderWebChat) return then();
      var bundle = document.createElement('script');
      bundle.src = BOT + '/webchat.js';
      bundle.async = true;
      bundle.onload = then;
      bundle.onerror = failed;
      document.head.appendChild(bundle);
    }

    say('loading');
    withWebChat(function () {
      var saved = load();
      var opening = saved
        ? resume(saved).then(function (conversation) {
            if (conversation) return conversation;
            forget();
            return fresh().then(function (c) {
              c.expiredBefore = true;
              return c;
            });
          })
        : fresh();
      opening
        .then(function (conversation) {
          save(conversation);
          say(conversation.expiredBefore ? 'expired' : '');
          var options = {
            domain: DOMAIN,
            token: conversation.token,
            webSocket: false,
            pollingInterval: 1000,
            conversationStartProperties: { locale: locale },
          };
          if (conversation.resumed) {
            options.conversationId = conversation.conversationId;
            options.watermark = '';
          }
          var directLine = window.WebChat.createDirectLine(options);
          keepFresh(conversation, directLine);
          window.WebChat.renderWebChat({ directLine: directLine, locale: locale, styleOptions: { hideUploadButton: true, accent: '#0b4f8a' } }, chatEl);
        })
        .catch(failed);
    });
  });
})();
