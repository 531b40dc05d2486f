// Keyboard shortcuts on the report page: j / k select the next / previous claim, Escape goes back to the text.
// Everything works without this file (claims are links; the panel is shown with the CSS :target rule).
(function () {
  "use strict";
  var marks = Array.prototype.slice.call(document.querySelectorAll("a.claim[data-claim]"));
  if (!marks.length) return;
  function current() {
    var id = decodeURIComponent(location.hash.slice(1));
    for (var i = 0; i < marks.length; i++) if (marks[i].dataset.claim === id) return i;
    return -1;
  }
  function select(i) {
    var mark = marks[(i + marks.length) % marks.length];
    location.hash = mark.dataset.claim;
    var panel = document.getElementById(mark.dataset.claim);
    if (panel) panel.focus({ preventScroll: true });
    mark.scrollIntoView({ block: "center" });
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || /input|textarea|select/i.test(e.target.tagName)) return;
    if (e.key === "j") select(current() + 1);
    else if (e.key === "k") select(current() < 0 ? -1 : current() - 1);
    else if (e.key === "Escape" && current() >= 0) marks[current()].focus();
  });
})();
