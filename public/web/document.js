/*
 * A page beside the chat (the privacy notice, a receipt): its copy and print buttons. The words come with
 * the page (data-copied); nothing else is shown.
 */
(function () {
  'use strict';
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button');
    if (!button) return;
    if (button.hasAttribute('data-print')) window.print();
    var source = button.getAttribute('data-copy');
    if (source) {
      var text = document.getElementById(source).textContent;
      var note = button.parentNode.querySelector('.doc-copied');
      var done = function () {
        if (note) note.textContent = button.getAttribute('data-copied') || '';
      };
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, function () {});
    }
  });
})();
