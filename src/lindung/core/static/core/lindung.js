// Behaviour every page shares, in a file so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (the language switch, the
  // dashboard's date and denominator); a <noscript> button does it without JavaScript.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
