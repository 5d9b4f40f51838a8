// Polls the job's status while it runs and fills in the counters.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box) { return; }
  const set = (id, value) => { document.getElementById(id).textContent = value; };
  const labels = { running: box.querySelector("#job-state").textContent };
  function show(s) {
    set("rows-read", s.rows_read); set("rows-imported", s.rows_imported);
    set("rows-unchanged", s.rows_unchanged); set("rows-rejected", s.rows_rejected);
    set("job-error", s.error || "");
    const pct = s.state === "done" ? 100 : (s.rows_total ? Math.min(99, 100 * s.rows_read / s.rows_total) : 5);
    document.getElementById("job-progress").style.width = pct + "%";
    box.dataset.state = s.state;
    if (s.state !== "running") {
      set("job-state", s.state === "done" ? box.dataset.labelDone : box.dataset.labelFailed);
      if (s.state === "done") { document.getElementById("reject-report").classList.remove("d-none"); }
      // Watched while running: reload once so the page lists the rejected rows.
      if (s.state === "done" && box.dataset.renderedState === "running") { window.location.reload(); }
    } else {
      set("job-state", labels.running);
    }
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((s) => { show(s); if (s.state === "running") { setTimeout(poll, 1000); } })
      .catch(() => setTimeout(poll, 3000));
  }
  poll();
})();
