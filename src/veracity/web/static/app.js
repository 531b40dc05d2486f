// Keyboard shortcuts on the report page: j / k select the next / previous claim, Escape goes back to the text.
// The job page: follows its job through the job API (polling, backing off) and opens the report when it is ready.
// Everything works without this file (claims are links; the panel is shown with the CSS :target rule; the job
// page refreshes itself every 5 s).
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

// The job page: poll GET /v1/jobs/{id}, 0.5 s at first and then less and less often (up to every 5 s); the elapsed
// time ticks every second without asking the server. Done: open the report; failed or cancelled: show the page.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.fetch) return;
  var activity = document.getElementById("job-activity");
  var step = document.getElementById("job-step");
  var elapsed = document.getElementById("job-elapsed");
  var bar = document.getElementById("job-bar");
  var base = parseFloat(box.dataset.elapsed) || 0;
  var since = Date.now();
  var delay = 500;
  var ticker = setInterval(function () {
    elapsed.textContent = Math.round(base + (Date.now() - since) / 1000);
  }, 1000);
  function show(job) {
    base = job.elapsed_seconds;
    since = Date.now();
    if (job.status === "queued") activity.textContent = "Waiting for a worker";
    else if (job.activity) activity.textContent = job.activity.charAt(0).toUpperCase() + job.activity.slice(1);
    if (job.stage_count) {
      step.textContent = " (step " + job.stage_number + " of " + job.stage_count + ")";
      bar.max = job.stage_count;
      bar.value = job.stage_number;
    }
  }
  function poll() {
    fetch(box.dataset.job, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        if (job.status === "done") {
          clearInterval(ticker);
          location.assign(box.dataset.reports + "/" + encodeURIComponent(job.report_id));
          return;
        }
        if (job.status === "failed" || job.status === "cancelled") {
          clearInterval(ticker);
          location.reload();
          return;
        }
        show(job);
        delay = Math.min(5000, Math.round(delay * 1.5));
        setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(5000, delay * 2);
        setTimeout(poll, delay);
      });
  }
  setTimeout(poll, delay);
})();
