/* The reader's page of a library folder (index.html): search as you type and filter by site, author, subject
   and year. Inlined into the page by exporter.library.index_page. Only an enhancement: without it, every book
   is listed and the browse section links to each. A card's data-site, data-author, data-subject and data-year
   hold the numbers of its values, the same numbers as the selects' options. */
(function () {
  "use strict";
  var form = document.querySelector(".filter-form");
  if (!form || !String.prototype.normalize) {
    return;
  }
  var panel = document.querySelector(".filters");
  var box = document.getElementById("q");
  var status = document.querySelector(".shown");
  var none = document.querySelector(".none-shown");
  var cards = Array.prototype.slice.call(document.querySelectorAll("li.book"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-facet]"));

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var texts = cards.map(function (card) {
    var parts = card.querySelectorAll(".title, .summary, dd.s");
    return fold(Array.prototype.map.call(parts, function (el) { return el.textContent; }).join(" \n "));
  });

  function hasValue(card, facet, value) {
    var values = (card.getAttribute("data-" + facet) || "").split(" ");
    return values.indexOf(value) !== -1;
  }

  function update() {
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    cards.forEach(function (card, i) {
      var match = words.every(function (word) { return texts[i].indexOf(word) !== -1; }) &&
        selects.every(function (select) {
          return select.value === "" || hasValue(card, select.getAttribute("data-facet"), select.value);
        });
      card.hidden = !match;
      if (match) {
        shown += 1;
      }
    });
    status.textContent = (shown === 1 ? "1 book" : shown + " books") + " shown";
    none.hidden = shown !== 0;
  }

  function clear() {
    form.reset();
    update();
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  form.addEventListener("reset", function () { window.setTimeout(update, 0); });
  none.querySelector("button").addEventListener("click", function () { clear(); box.focus(); });

  // A link to a book (from the browse section, or a bookmark) shows it even when a filter had hidden it.
  function reveal() {
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && target.classList.contains("book") && target.hidden) {
      clear();
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);

  panel.hidden = false;
  update();
}());
