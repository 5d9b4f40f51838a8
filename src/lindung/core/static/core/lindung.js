// Behaviour every page shares, in a file so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option submits its form (the language switch, the
  // dashboard's date and denominator); a <noscript> button does it without JavaScript.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // Every table of the page's content scrolls inside its own box, so a wide table never makes
  // the whole page scroll sideways on a phone. One rule here instead of a wrapper in every
  // template; a table already in a .table-responsive box keeps it. When the box does scroll it
  // becomes a named region in the tab order, so keyboard users can scroll it too (WCAG 2.1.1).
  var fallbackLabel = (document.querySelector("main") || document.body).getAttribute("data-table-label") || "";

  function labelOf(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    if (table.getAttribute("aria-label")) return table.getAttribute("aria-label");
    var node = table.parentElement;
    while (node && node.tagName !== "MAIN") {
      var sibling = node.previousElementSibling;
      while (sibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling.textContent.trim();
        sibling = sibling.previousElementSibling;
      }
      node = node.parentElement;
    }
    return fallbackLabel;
  }

  function mark(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", box.getAttribute("data-label"));
    } else {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
    }
  }

  var boxes = [];
  document.querySelectorAll("main table").forEach(function (table) {
    if (table.parentElement.closest(".table-responsive, .table-scroll, table")) return;
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.setAttribute("data-label", labelOf(table));
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    boxes.push(box);
    mark(box);
  });
  if (boxes.length && window.ResizeObserver) {
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) { mark(entry.target.closest(".table-scroll")); });
    });
    boxes.forEach(function (box) {
      observer.observe(box);
      observer.observe(box.firstElementChild);
    });
  }
})();
