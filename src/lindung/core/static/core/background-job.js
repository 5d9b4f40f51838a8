// Polls a background job's status while it is queued or running and shows its progress.
(function () {
  "use strict";
  const box = document.getElementById("background-job");
  if (!box) { return; }
  const set = (id, value) => { document.getElementById(id).textContent = value; };
  function show(s) {
    document.getElementById("job-progress").style.width = s.percent + "%";
    set("job-state", s.state_label); set("job-step", s.step || "–"); set("job-error", s.error || "");
    box.dataset.state = s.state;
  }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((s) => {
        show(s);
        if (s.state === "queued" || s.state === "running") { setTimeout(poll, 1000); }
        else if (s.state !== box.dataset.initial) { window.location.reload(); }
      })
      .catch(() => setTimeout(poll, 3000));
  }
  box.dataset.initial = box.dataset.state;
  if (box.dataset.state === "queued" || box.dataset.state === "running") { poll(); }
})();
