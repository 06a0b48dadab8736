/*
 * What the citizens' page adds to Web Chat (the minimal bundle, which has no Adaptive Cards, speech or
 * markdown):
 *
 * - every message of the transcript carries `lang` (the activity's locale, else the page's), so a screen
 *   reader speaks Chinese history with a Chinese voice after a switch to English;
 * - a question of the filing shows its step ("第 2 步，共 6 步：您的情况", its first line, which is read with
 *   the question) as a small label over a bar of how far the filing has come (channelData.progress);
 * - the bot's Adaptive Cards (the summary) are rendered here, for the few elements the bot uses
 *   (TextBlock, Container, ColumnSet/Column, FactSet, ActionSet, Action.Submit, Action.ShowCard): a
 *   left-aligned list, one value per line, buttons whose focus ring is never cut; anything else shows the
 *   card's fallbackText. Only the newest card keeps live buttons, and none once a filing is submitted;
 *   after a card button the focus goes back to the send box;
 * - a human agent's line in the live handoff is shown as the agent's: a label with their name over a bubble of
 *   its own colour, without the "人工客服 <name>：" the text carries for other channels (see agentOf); the
 *   portal's one-line embed shows agent lines the same way (agentLines);
 * - a store that tells the page what happens (a filing confirmed, the person's first message) and lets it
 *   send the start-over command.
 *
 * Web Chat's bundle does not expose React: its middleware must return React elements, which React 16
 * (the version inside Web Chat 4.18.1) recognises as plain objects marked with Symbol.for('react.element').
 * h() makes those, nothing more; the cards themselves are ordinary DOM built inside an element React leaves
 * alone. Upgrading Web Chat means checking h() against the React it bundles (see vendor/webchat/README.md).
 */
var yidiChatUi = (function () {
  'use strict';

  var REACT_ELEMENT = typeof Symbol === 'function' && Symbol.for ? Symbol.for('react.element') : 0xeac7;
  var ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
  /** What the server escaped for Web Chat's markdown renderer (web-adapter.ts plainCardText); shown as written here. */
  var MARKDOWN_ESCAPE = /\\([\\`*_{}[\]()<>#+\-.!|~"])/g;

  /** A React element: h('div', { lang: 'zh-CN' }, child). */
  function h(type, props, child) {
    var all = {};
    for (var key in props || {}) if (key !== 'key' && key !== 'ref') all[key] = props[key];
    if (child !== undefined) all.children = child;
    return { $$typeof: REACT_ELEMENT, type: type, key: props && props.key != null ? String(props.key) : null, ref: (props && props.ref) || null, props: all, _owner: null };
  }

  /** The position of an activity in its conversation ("<conversationId>|0000007" → 7), 0 when unknown. */
  function sequenceOf(activity) {
    var match = /\|(\d+)$/.exec((activity && activity.id) || '');
    return match ? Number(match[1]) : 0;
  }

  function plain(text) {
    return String(text == null ? '' : text).replace(MARKDOWN_ESCAPE, '$1');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Throws for an element the page does not render: the caller then shows the card's fallbackText. */
  function unsupported(what) {
    var error = new Error('unsupported card element ' + what);
    error.unsupported = true;
    throw error;
  }

  /**
   * Renders one Adaptive Card (the subset the bot sends) into `into`. `act(data)` sends an Action.Submit's
   * data; returns the card's buttons (so an older card can lose them).
   */
  function renderCard(card, into, act) {
    var buttons = [];
    var showCards = 0;

    function elements(list, parent) {
      (list || []).forEach(function (item) {
        parent.appendChild(element(item));
      });
    }

    function element(item) {
      switch (item && item.type) {
        case 'TextBlock': {
          var heading = item.style === 'heading' || (item.weight === 'Bolder' && (item.size === 'Medium' || item.size === 'Large'));
          // ExtraLarge (not a heading): a value in large type, the receipt's reference.
          var large = !heading && item.size === 'ExtraLarge';
          var block = el(heading ? 'h3' : 'p', 'yidi-card__text' + (item.weight === 'Bolder' ? ' yidi-card__text--bold' : '') + (item.isSubtle ? ' yidi-card__text--subtle' : '') + (large ? ' yidi-card__text--large' : ''), plain(item.text));
          return block;
        }
        case 'Container': {
          var box = el('div', 'yidi-card__container' + (item.separator ? ' yidi-card__container--separated' : ''));
          elements(item.items, box);
          return box;
        }
        case 'ColumnSet': {
          var row = el('div', 'yidi-card__columns');
          (item.columns || []).forEach(function (column) {
            if (!column || column.type !== 'Column') unsupported('ColumnSet child');
            var cell = el('div', 'yidi-card__column' + (column.width === 'auto' ? ' yidi-card__column--auto' : ''));
            elements(column.items, cell);
            row.appendChild(cell);
          });
          return row;
        }
        case 'FactSet': {
          var list = el('dl', 'yidi-card__facts');
          (item.facts || []).forEach(function (fact) {
            var pair = el('div', 'yidi-card__fact');
            pair.appendChild(el('dt', 'yidi-card__fact-title', plain(fact.title)));
            pair.appendChild(el('dd', 'yidi-card__fact-value', plain(fact.value)));
            list.appendChild(pair);
          });
          return list;
        }
        case 'ActionSet':
          return actions(item.actions);
        default:
          return unsupported(item && item.type);
      }
    }

    function actions(list) {
      var bar = el('div', 'yidi-card__actions');
      (list || []).forEach(function (action) {
        var button = el('button', 'yidi-card__button', plain(action.title));
        button.type = 'button';
        if (action.type === 'Action.Submit') {
          button.addEventListener('click', function () {
            act(action.data);
          });
        } else if (action.type === 'Action.ShowCard' && action.card) {
          var panel = el('div', 'yidi-card__panel');
          panel.id = 'yidi-card-panel-' + ++renderCard.panels;
          panel.hidden = true;
          elements(action.card.body, panel);
          if (action.card.actions) panel.appendChild(actions(action.card.actions));
          button.setAttribute('aria-expanded', 'false');
          button.setAttribute('aria-controls', panel.id);
          button.classList.add('yidi-card__button--disclosure');
          button.addEventListener('click', function () {
            var open = panel.hidden;
            panel.hidden = !open;
            button.setAttribute('aria-expanded', String(open));
          });
          showCards++;
          bar.appendChild(button);
          buttons.push(button);
          bar.appendChild(panel);
          return;
        } else {
          unsupported(action.type);
        }
        bar.appendChild(button);
        buttons.push(button);
      });
      return bar;
    }

    var root = el('div', 'yidi-card');
    elements(card.body, root);
    if (card.actions) root.appendChild(actions(card.actions));
    into.appendChild(root);
    void showCards;
    return buttons;
  }
  renderCard.panels = 0;

  /**
   * An agent's line in the live handoff (channelData.handoff.from 'agent', sent as the bot): its text says
   * who speaks ("人工客服 王芳：…", for channels that show text only). Here the lead is taken off the text
   * and shown as a label over the message instead (channelData.handoff.label), in a bubble of its own
   * colour; screen readers still hear the whole line (Web Chat reads channelData['webchat:fallback-text']
   * for the message, after its "bot said"), so they hear who speaks. The citizens' page (create) and the
   * portal's one-line embed (agentLines, public/embed/embed.js) both show agent lines with what follows.
   */
  function agentOf(activity) {
    var handoff = activity && activity.type === 'message' && activity.from && activity.from.role === 'bot' && activity.channelData && activity.channelData.handoff;
    return handoff && handoff.from === 'agent' && typeof handoff.agent === 'string' ? handoff : null;
  }

  function asAgentLine(activity) {
    var handoff = agentOf(activity);
    var lead = handoff && typeof handoff.lead === 'string' ? handoff.lead : '';
    if (!lead || typeof activity.text !== 'string' || activity.text.indexOf(lead) !== 0) return activity;
    var channelData = Object.assign({}, activity.channelData);
    channelData['webchat:fallback-text'] = activity.text;
    return Object.assign({}, activity, { text: activity.text.slice(lead.length), from: Object.assign({}, activity.from, { name: handoff.agent }), channelData: channelData });
  }

  /** A Web Chat store action, with an incoming agent's line as the page shows it (asAgentLine). */
  function agentAction(action) {
    if (action.type !== 'DIRECT_LINE/INCOMING_ACTIVITY' || !action.payload || !agentOf(action.payload.activity)) return action;
    return Object.assign({}, action, { payload: Object.assign({}, action.payload, { activity: asAgentLine(action.payload.activity) }) });
  }

  /** The marks of an agent's message element (its bubble's colour and the label's style hang on them). */
  function asAgentProps(props) {
    props.className = (props.className ? props.className + ' ' : '') + 'yidi-activity--agent';
    props['data-from'] = 'agent';
    return props;
  }

  /** An agent's message as shown: the label with their name over what Web Chat rendered. */
  function agentElement(agent, props, shown) {
    return h('div', props, [h('p', { key: 'label', className: 'yidi-agent-label' }, agent.label || agent.agent), h('div', { key: 'message' }, shown)]);
  }

  /**
   * How an agent's line looks, wherever Web Chat shows it (the page, or a portal's page through the embed):
   * their name over the message, a bubble of its own colour with a bar. #7a3e00 on white 8.3:1; text
   * #1a1a1a on #fff4e5 15.9:1. Put in the document once (Web Chat puts its own styles there the same way).
   */
  var AGENT_STYLE =
    '.yidi-activity--agent .yidi-agent-label { margin: 0.25rem 0 0.125rem 0.625rem; font-size: 0.875rem; font-weight: 700; line-height: 1.3; color: #7a3e00; }\n' +
    '.yidi-activity--agent .webchat__bubble__content { background-color: #fff4e5 !important; border-color: #b35900 !important; border-left-width: 4px !important; }\n';
  function installAgentStyle() {
    if (document.getElementById('yidi-agent-style')) return;
    var style = document.createElement('style');
    style.id = 'yidi-agent-style';
    style.textContent = AGENT_STYLE;
    (document.head || document.documentElement).appendChild(style);
  }

  /**
   * Agent lines alone, for a Web Chat the page does not otherwise dress (the portal's one-line embed):
   * props() gives a store and an activity middleware for each rendering of Web Chat.
   */
  var agentLines = {
    props: function () {
      installAgentStyle();
      var watch = function () {
        return function (next) {
          return function (action) {
            return next(agentAction(action));
          };
        };
      };
      var activityMiddleware = function () {
        return function (next) {
          return function (args) {
            var render = next(args);
            var agent = render && agentOf(args.activity);
            if (!agent) return render;
            var props = asAgentProps({ className: 'yidi-activity' });
            if (args.activity.locale) props.lang = args.activity.locale;
            return function () {
              return agentElement(agent, props, render.apply(null, arguments));
            };
          };
        };
      };
      return { store: window.WebChat.createStore({}, watch), activityMiddleware: activityMiddleware };
    },
  };

  /**
   * options: locale (the page's), strings (the page's words), chatEl (where Web Chat is rendered),
   * onFiling(filing) (the bot confirmed a submitted filing: channelData.filing), onUserMessage() (the
   * person sent something).
   */
  function create(options) {
    var store = null;
    /** The cards on screen, by position: only the newest keeps its buttons. */
    var cards = [];
    var submittedAt = 0; // the position of the last filing confirmation

    function focusSendBox() {
      var input = document.querySelector('[data-id="webchat-sendbox-input"]');
      if (input) input.focus();
    }

    function retire(card) {
      if (card.retired) return;
      card.retired = true;
      card.buttons.forEach(function (button) {
        if (button.parentNode) button.parentNode.removeChild(button);
      });
      [].slice.call(card.root.querySelectorAll('.yidi-card__panel, .yidi-card__actions')).forEach(function (node) {
        if (node.parentNode) node.parentNode.removeChild(node);
      });
      card.root.appendChild(el('p', 'yidi-card__superseded', options.strings.cardSuperseded || ''));
    }

    function settle() {
      var newest = 0;
      cards.forEach(function (card) {
        newest = Math.max(newest, card.position);
      });
      cards.forEach(function (card) {
        if (card.position < newest || card.position < submittedAt) retire(card);
      });
    }

    function watchActions() {
      return function (next) {
        return function (action) {
          action = agentAction(action);
          if (action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
            var activity = action.payload && action.payload.activity;
            var role = activity && activity.from && activity.from.role;
            var filing = activity && activity.channelData && activity.channelData.filing;
            if (role === 'bot' && filing && typeof filing.reference === 'string') {
              submittedAt = Math.max(submittedAt, sequenceOf(activity));
              settle();
              if (options.onFiling) options.onFiling(filing);
            }
            if (role === 'user' && activity.type === 'message' && options.onUserMessage) options.onUserMessage();
            if (role === 'bot' && activity.type === 'message' && Date.now() - postedAt < REPLY_WINDOW_MS) {
              clearTimeout(replyTimer);
              replyTimer = setTimeout(showStartOfReply, 350);
            }
          }
          if (action.type === 'DIRECT_LINE/POST_ACTIVITY') {
            postedAt = Date.now();
            if (options.chatEl) options.chatEl.setAttribute('data-reply', 'pending');
          }
          return next(action);
        };
      };
    }

    /**
     * A reply longer than the chat box is shown from its start: once the bot's messages after the person's
     * last one have arrived, the transcript scrolls to the first of them (Web Chat would show their end,
     * so the category and its reasons would be above the question "以上内容您了解了吗？").
     */
    var REPLY_WINDOW_MS = 8000; // the bot's messages of one turn arrive within this time of the person's
    var HOLD_MS = 1000; // how long the start of a reply is held against Web Chat's own scrolling to the end
    var postedAt = 0;
    var replyTimer = null;
    var holding = null;
    function showStartOfReply() {
      var chat = options.chatEl;
      var scroller = chat && chat.querySelector('.webchat__basic-transcript__scrollable');
      if (!scroller) return;
      var rows = [].slice.call(scroller.querySelectorAll('article.webchat__basic-transcript__activity'));
      var lastUser = -1;
      rows.forEach(function (row, i) {
        if (row.querySelector('.webchat__stacked-layout--from-user')) lastUser = i;
      });
      var first = lastUser >= 0 ? rows[lastUser + 1] : null;
      if (holding) holding.stop();
      if (!first) {
        chat.setAttribute('data-reply', 'shown');
        return;
      }
      // Web Chat keeps scrolling to the end for a while (its animation, the page's layout changing when the
      // receipt bar appears): the start is held for a moment, unless the person scrolls themselves.
      var until = Date.now() + HOLD_MS;
      var stopped = false;
      var touched = function () {
        stopped = true;
      };
      var events = ['wheel', 'touchstart', 'pointerdown', 'keydown'];
      events.forEach(function (name) {
        chat.addEventListener(name, touched, true);
      });
      holding = {
        stop: function () {
          stopped = true;
        },
      };
      (function hold() {
        var top = first.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop - 8;
        var longer = scroller.scrollHeight - top > scroller.clientHeight;
        if (!stopped && longer && Math.abs(scroller.scrollTop - top) > 1) scroller.scrollTop = Math.max(0, top);
        if (!stopped && Date.now() < until && first.isConnected) return void requestAnimationFrame(hold);
        events.forEach(function (name) {
          chat.removeEventListener(name, touched, true);
        });
        chat.setAttribute('data-reply', 'shown');
      })();
    }

    /**
     * Web Chat labels each message for screen readers with an element outside the message (its
     * aria-labelledby): the whole row gets the message's lang, so the label is spoken in it too.
     */
    function langOnRows(root) {
      [].slice.call(root.querySelectorAll('article.webchat__basic-transcript__activity')).forEach(function (row) {
        var inner = row.querySelector('.yidi-activity[lang]');
        if (inner && row.getAttribute('lang') !== inner.getAttribute('lang')) row.setAttribute('lang', inner.getAttribute('lang'));
      });
    }
    /**
     * A filing's reference in a message never breaks at its hyphen: a word joiner (U+2060, invisible) after
     * it forbids the break; copying from the transcript leaves it out again.
     */
    var REFERENCE = /(YD\d{8})-([0-9A-Z]{6})/g;
    function keepReferencesWhole(root) {
      [].slice.call(root.querySelectorAll('.webchat__text-content, .yidi-card__text, .yidi-card__fact-value')).forEach(function (p) {
        [].slice.call(p.childNodes).forEach(function (node) {
          if (node.nodeType === 3 && REFERENCE.test(node.nodeValue)) node.nodeValue = node.nodeValue.replace(REFERENCE, '$1-\u2060$2');
          REFERENCE.lastIndex = 0;
        });
      });
    }
    if (options.chatEl && window.MutationObserver) {
      new MutationObserver(function () {
        langOnRows(options.chatEl);
        keepReferencesWhole(options.chatEl);
      }).observe(options.chatEl, { childList: true, subtree: true, characterData: true });
      options.chatEl.addEventListener('copy', function (event) {
        var text = String(window.getSelection ? window.getSelection() : '');
        if (text.indexOf('\u2060') < 0 || !event.clipboardData) return;
        event.clipboardData.setData('text/plain', text.replace(/\u2060/g, ''));
        event.preventDefault();
      });
    }

    /**
     * A question's step of the filing (channelData.progress = { step, of }), for its first line (the bot writes
     * "第 2 步，共 6 步：您的情况" there, so it is read with the question): shown as a label with a bar.
     */
    function progressOf(activity) {
      var progress = activity && activity.channelData && activity.channelData.progress;
      if (!progress || typeof progress.step !== 'number' || typeof progress.of !== 'number') return null;
      if (!(progress.step >= 1 && progress.of >= progress.step && progress.of <= 20)) return null;
      return progress;
    }

    /** Each message in an element with the language it is written in (and a question's step, see progressOf; an agent's label, see agentOf). */
    function activityMiddleware() {
      return function (next) {
        return function (args) {
          var render = next(args);
          if (!render) return render;
          var lang = (args.activity && args.activity.locale) || options.locale;
          var props = { lang: lang, className: 'yidi-activity' };
          var progress = progressOf(args.activity);
          if (progress) {
            props['data-progress'] = progress.step + '/' + progress.of;
            props.style = { '--yidi-progress': ((progress.step / progress.of) * 100).toFixed(1) + '%' };
          }
          var agent = agentOf(args.activity);
          if (agent) asAgentProps(props);
          return function () {
            var shown = render.apply(null, arguments);
            return agent ? agentElement(agent, props, shown) : h('div', props, shown);
          };
        };
      };
    }

    /** The ref of each card's host element, one per attachment, so that re-renders of the transcript keep the card as it is. */
    var hosts = {};

    function cardRef(key, card, activity) {
      if (hosts[key]) return hosts[key];
      var position = sequenceOf(activity);
      var mounted = null;
      hosts[key] = function (host) {
        if (!host) {
          cards = cards.filter(function (c) {
            return c !== mounted;
          });
          mounted = null;
          return;
        }
        if (mounted && mounted.host === host) return;
        while (host.firstChild) host.removeChild(host.firstChild);
        try {
          var buttons = renderCard(card, host, function (data) {
            if (store) store.dispatch({ type: 'WEB_CHAT/SEND_POST_BACK', payload: { value: data } });
            focusSendBox();
          });
          mounted = { host: host, root: host.firstChild, buttons: buttons, position: position, retired: false };
          cards.push(mounted);
          settle();
        } catch (error) {
          if (!error || !error.unsupported) throw error;
          while (host.firstChild) host.removeChild(host.firstChild);
          String(card.fallbackText || activity.speak || '')
            .split('\n')
            .forEach(function (line) {
              host.appendChild(el('p', 'yidi-card__text', line));
            });
        }
      };
      return hosts[key];
    }

    function attachmentMiddleware() {
      return function (next) {
        return function (args) {
          var attachment = args.attachment;
          if (!attachment || attachment.contentType !== ADAPTIVE_CARD || !attachment.content) return next(args);
          var activity = args.activity || {};
          var index = (activity.attachments || []).indexOf(attachment);
          return h('div', { className: 'yidi-card-host', ref: cardRef((activity.id || '') + '#' + index, attachment.content, activity) });
        };
      };
    }

    return {
      /** More props for each rendering of Web Chat (conversation.js calls it per connection). */
      props: function () {
        installAgentStyle();
        cards = [];
        hosts = {};
        store = window.WebChat.createStore({}, watchActions);
        return { store: store, activityMiddleware: activityMiddleware, attachmentMiddleware: attachmentMiddleware };
      },
      /** Sends a message as if the person had typed it. */
      send: function (text) {
        if (!store) return false;
        store.dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: text } });
        return true;
      },
      focusSendBox: focusSendBox,
    };
  }

  return { create: create, agentLines: agentLines, h: h };
})();
