// Show (and submit) only the fields of the chosen segment.
(function () {
  "use strict";
  var segment = document.getElementById("id_segment");
  if (!segment) { return; }
  function update() {
    document.querySelectorAll(".segment-fields").forEach(function (set) {
      var on = set.dataset.segments.split(" ").indexOf(segment.value) >= 0;
      set.hidden = !on;
      set.disabled = !on;
    });
  }
  segment.addEventListener("change", update);
  update();
})();
